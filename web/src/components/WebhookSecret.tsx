import { useState } from 'react';

/**
 * A signing secret, shown the one time the server answers it (when made or rotated), with a copy button:
 * after this dialog closes no page or API call can show it again.
 */
export function WebhookSecret({ secret, rotated }: { secret: string; rotated: boolean }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <div className="stack">
      <p>
        Copy this signing secret now: it is <strong>shown only this once</strong>. Receivers verify each
        delivery's <code>webhook-signature</code> with it.
        {rotated
          ? ' The previous secret also signs for the next 24 hours, so receivers can switch over.'
          : ''}
      </p>
      <div className="button-row">
        <code className="webhook-secret break" data-testid="webhook-secret">
          {secret}
        </code>
        <button type="button" onClick={copy} data-autofocus>
          Copy
        </button>
      </div>
      {copied === 'yes' ? (
        <p className="note note-ok" role="status">
          Copied to the clipboard.
        </p>
      ) : null}
      {copied === 'failed' ? (
        <p className="note note-warn" role="status">
          The browser did not allow copying: select the secret and copy it by hand.
        </p>
      ) : null}
    </div>
  );
}
