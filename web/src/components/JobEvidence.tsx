import type { JobDetail } from '../api.ts';
import { duration } from '../format.ts';
import { JobStateBadge } from './JobOutcome.tsx';

interface Gate {
  name: string;
  command: string;
  ok: boolean;
  exitCode: number | null;
}

function gatesOf(report: unknown): Gate[] {
  if (typeof report !== 'object' || report === null) return [];
  const { gates, gate } = report as { gates?: unknown; gate?: unknown };
  const list = Array.isArray(gates) ? gates : gate ? [gate] : [];
  return list.filter(
    (item): item is Gate =>
      typeof item === 'object' && item !== null && typeof (item as Gate).ok === 'boolean',
  );
}

function reportFileOf(report: unknown): { file: string; parsed: boolean; error: string | null } | null {
  if (typeof report !== 'object' || report === null) return null;
  const file = (report as { report_file?: unknown }).report_file;
  if (typeof file !== 'object' || file === null) return null;
  const { file: name, parsed, error } = file as { file?: unknown; parsed?: unknown; error?: unknown };
  if (typeof name !== 'string' || typeof parsed !== 'boolean') return null;
  return { file: name, parsed, error: typeof error === 'string' ? error : null };
}

/** What a job's outcome rests on: its verdict, the agent's exit, the report's parse, the gates' commands. */
export function JobEvidence({ job }: { job: JobDetail }) {
  const gates = gatesOf(job.report);
  const reportFile = reportFileOf(job.report);
  const took =
    job.started_at && job.finished_at
      ? duration(Math.round((Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000))
      : null;
  return (
    <section className="verdict-box" aria-label={`Evidence of job #${job.id}`} data-testid="job-evidence">
      <p>
        <JobStateBadge job={job} />{' '}
        {job.verdict ? (job.verdict.pass ? 'Verdict: pass' : 'Verdict: fail') : 'No verdict recorded'}
        {took ? ` · took ${took}` : ''}
      </p>
      {job.verdict && !job.verdict.pass ? (
        <ul className="small job-error job-reasons">
          {job.verdict.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      <dl className="facts facts-tight">
        <div>
          <dt>Agent exit</dt>
          <dd>{job.exit_code ?? '—'}</dd>
        </div>
        {reportFile ? (
          <div>
            <dt>{reportFile.file || 'Report'}</dt>
            <dd>{reportFile.parsed ? 'parsed' : `unusable: ${reportFile.error ?? 'missing'}`}</dd>
          </div>
        ) : null}
        {gates.map((gate) => (
          <div key={`${gate.name}:${gate.command}`}>
            <dt>{gate.name}</dt>
            <dd className={gate.ok ? '' : 'job-error'}>
              <code>{gate.command}</code> {gate.ok ? 'passed' : `failed (exit ${gate.exitCode ?? 'none'})`}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
