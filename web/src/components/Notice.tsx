import type { ReactNode } from 'react';

/** An error (announced to screen readers) or a neutral message such as an empty list. */
export function ErrorNote({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p className="note note-error" role="alert">
      {error}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="empty" aria-live="polite">
      Loading {what}…
    </p>
  );
}
