/** Everything a worker reads before running a job's agent: one read, no writes. */
import { and, asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { findings } from '../db/schema.ts';
import { promptLineOfNote } from '../domain/task-notes.ts';
import type { Finding } from './findings.ts';
import { installationId } from './installation.ts';
import { activeRoleConfig, type RoleConfig } from './role-configs.ts';
import type { Job } from './steps/jobs.ts';
import { loadProject, loadRun, loadTask, type Project, type Run, type Task } from './steps/load.ts';
import { notesForJob, type TaskNote } from './task-notes.ts';

export interface WorkContext {
  /** This installation's id, which names the task's saved-work refs. */
  installation: string;
  job: Job;
  run: Run;
  project: Project;
  task: Task | null;
  roleConfig: RoleConfig | null;
  /** Open findings on the task, from reviewers and gates: what it must fix. */
  findings: Finding[];
  /** The Director's open findings and the task's course-correct notes, as lines of the next prompt. */
  directorNotes: string[];
  /** The course-correct notes this job carries (recorded as delivered when its agent starts). */
  notes: TaskNote[];
}

export async function loadWorkContext(db: Queryable, job: Job): Promise<WorkContext> {
  const run = await loadRun(db, job.runId);
  const project = await loadProject(db, run.projectId);
  const task = job.taskId === null ? null : await loadTask(db, job.taskId);
  const roleConfig = await activeRoleConfig(db, job.role, project.id);
  const open = task
    ? await db
        .select()
        .from(findings)
        .where(and(eq(findings.taskId, task.id), eq(findings.status, 'open')))
        .orderBy(asc(findings.id))
    : [];
  const notes = task ? await notesForJob(db, task.id, job.id) : [];
  return {
    installation: await installationId(db),
    job,
    run,
    project,
    task,
    roleConfig,
    findings: open.filter((finding) => finding.source !== 'director'),
    directorNotes: [
      ...open.filter((finding) => finding.source === 'director').map((finding) => finding.issue),
      ...notes.map(promptLineOfNote),
    ],
    notes,
  };
}
