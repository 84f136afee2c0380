import type { SandboxStatus } from '../api.ts';

/** Says loudly when agents cannot be confined here, and what that means for the runs. */
export function SandboxNotice({ sandbox }: { sandbox: SandboxStatus | undefined }) {
  if (!sandbox || sandbox.available) return null;
  return (
    <div className="note note-warn" role="alert" data-testid="sandbox-notice">
      <strong>Agents are not sandboxed.</strong> {sandbox.problem}.{' '}
      {sandbox.allow_unsandboxed
        ? 'They run unconfined (WH_ALLOW_UNSANDBOXED=true): an agent can read and change anything this server can.'
        : 'Agents will not start, except in projects that accept running unconfined (the project setting sandbox.allowUnsandboxed). Install bubblewrap to confine them.'}
    </div>
  );
}
