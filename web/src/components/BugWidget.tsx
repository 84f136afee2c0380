import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { useAction } from '../hooks.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorNote } from './Notice.tsx';

function browserInfo(): string {
  return `${navigator.userAgent} | viewport ${window.innerWidth}x${window.innerHeight}`;
}

/** "Report a bug" on every page: a short form that also sends the page address and browser details. */
export function BugWidget() {
  const [open, setOpen] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  return (
    <>
      <button type="button" className="button-quiet" onClick={() => setOpen(true)}>
        Report a bug
      </button>
      <Dialog
        open={open}
        title="Report a bug"
        onClose={() => {
          setOpen(false);
          setSent(null);
        }}
      >
        {sent !== null ? (
          <div className="stack">
            <p role="status">Thanks — bug report #{sent} was filed.</p>
            <div className="form-actions">
              <button
                type="button"
                className="button-primary"
                onClick={() => {
                  setOpen(false);
                  setSent(null);
                }}
              >
                Done
              </button>
            </div>
          </div>
        ) : (
          <BugForm onSent={setSent} />
        )}
      </Dialog>
    </>
  );
}

function BugForm({ onSent }: { onSent: (id: number) => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const action = useAction();
  const where = window.location.href;
  const info = browserInfo();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const report = await action.run(() =>
      api.createBugReport({ title, description, page_url: where, browser_info: info }),
    );
    if (report) onSent(report.id);
  };

  return (
    <form className="stack" onSubmit={submit}>
      <label className="field">
        <span>Title</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={300} />
      </label>
      <label className="field">
        <span>What happened?</span>
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={5} />
      </label>
      <p className="hint">
        Sent with the report: <code>{where}</code> and your browser details ({info.split(' | ')[1]}).
      </p>
      <ErrorNote error={action.error} />
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={action.busy || !title.trim()}>
          {action.busy ? 'Sending…' : 'Send report'}
        </button>
      </div>
    </form>
  );
}
