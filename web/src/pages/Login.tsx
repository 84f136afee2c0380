import { type FormEvent, useState } from 'react';

/** Shown when there is no session: how to log in with the URL `wh serve` printed, or a pasted token. */
export function Login() {
  const [token, setToken] = useState('');
  const invalid = new URLSearchParams(window.location.search).get('login') === 'invalid';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) return;
    const target = new URL(window.location.href);
    target.searchParams.delete('login');
    target.searchParams.set('token', value);
    window.location.assign(`${target.pathname}${target.search}`);
  };

  return (
    <main className="login" id="main">
      <div className="login-card">
        <h1>
          <span className="brand-mark" aria-hidden="true">
            W
          </span>{' '}
          Workhorse
        </h1>
        {invalid ? (
          <p className="note note-error" role="alert">
            That token was not accepted. It may have been revoked or mistyped.
          </p>
        ) : null}
        <p>You are not logged in.</p>
        <p>
          Open the login link that <code>wh serve</code> printed when it started — it looks like{' '}
          <code>http://localhost:8000/ui/?token=wh_…</code>. The admin token is also saved in{' '}
          <code>.workhorse/admin-token</code>.
        </p>
        <form className="stack" onSubmit={submit}>
          <label className="field">
            <span>Or paste an API token</span>
            <input
              type="password"
              autoComplete="off"
              value={token}
              onChange={(e) => setToken(e.target.value)}
              placeholder="wh_…"
            />
          </label>
          <div className="form-actions">
            <button type="submit" className="button-primary" disabled={!token.trim()}>
              Log in
            </button>
          </div>
        </form>
      </div>
    </main>
  );
}
