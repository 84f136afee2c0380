import { Link } from 'react-router';
import { api, type BoardTask, type Job, type Run } from '../api.ts';
import { useAction } from '../hooks.ts';
import { runSituation, type SituationAction } from '../situation.ts';
import { ErrorNote } from './Notice.tsx';

interface Props {
  run: Run;
  tasks: readonly BoardTask[];
  /** The newest job of the kind the run's phase waits on (its plan, integration test or deploy). */
  phaseJob: Job | null;
  canOperate: boolean;
  onChanged: () => void;
}

/** The run's situation in one line, with the action that moves it on right beside it. */
export function RunSituation({ run, tasks, phaseJob, canOperate, onChanged }: Props) {
  const situation = runSituation(run, tasks, phaseJob);
  const action = useAction();
  const act = (work: () => Promise<unknown>) => action.run(work).then(onChanged);
  return (
    <div className={`situation tone-${situation.tone}`} data-testid="run-situation">
      <p role="status">{situation.text}</p>
      {situation.action ? (
        <ActionButton
          action={situation.action}
          canOperate={canOperate}
          busy={action.busy}
          run={run}
          act={act}
        />
      ) : null}
      <ErrorNote error={action.error} />
    </div>
  );
}

function ActionButton({
  action,
  canOperate,
  busy,
  run,
  act,
}: {
  action: SituationAction;
  canOperate: boolean;
  busy: boolean;
  run: Run;
  act: (work: () => Promise<unknown>) => void;
}) {
  if (action.kind === 'decide')
    return (
      <Link
        to={action.approvalId ? `/approvals/#approval-${action.approvalId}` : '/approvals/'}
        className="button-link button-small"
      >
        Decide
      </Link>
    );
  if (!canOperate) return null;
  const [label, work] =
    action.kind === 'retry'
      ? [action.label, () => api.retryJob(action.jobId)]
      : action.kind === 'resume'
        ? ['Resume', () => api.resumeRun(run.id)]
        : ['Trigger agent', () => api.triggerAgent(run.id)];
  return (
    <button type="button" className="button-small button-primary" disabled={busy} onClick={() => act(work)}>
      {label}
    </button>
  );
}
