import { useCallback, useEffect, useState } from 'react';
import { BrowserRouter, Route, Routes, useParams } from 'react-router';
import { ApiError, api, errorText, onUnauthorized, type Session } from './api.ts';
import { Header } from './components/Header.tsx';
import { Approvals } from './pages/Approvals.tsx';
import { Bugs } from './pages/Bugs.tsx';
import { Director } from './pages/Director.tsx';
import { Jobs } from './pages/Jobs.tsx';
import { Login } from './pages/Login.tsx';
import { NotFound } from './pages/NotFound.tsx';
import { Overview } from './pages/Overview.tsx';
import { Projects } from './pages/Projects.tsx';
import { RoleConfigs } from './pages/RoleConfigs.tsx';
import { RunBoard } from './pages/RunBoard.tsx';
import { Runs } from './pages/Runs.tsx';
import { Webhooks } from './pages/Webhooks.tsx';
import { SessionContext } from './session.ts';

type State =
  | { kind: 'loading' }
  | { kind: 'out' }
  | { kind: 'in'; session: Session }
  | { kind: 'error'; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(() => {
    api.session().then(
      (session) => setState({ kind: 'in', session }),
      (error: unknown) =>
        setState(
          error instanceof ApiError && error.status === 401
            ? { kind: 'out' }
            : { kind: 'error', message: errorText(error) },
        ),
    );
  }, []);

  useEffect(() => {
    load();
    onUnauthorized(() => setState({ kind: 'out' }));
  }, [load]);

  const logout = useCallback(() => {
    api.logout().finally(() => setState({ kind: 'out' }));
  }, []);

  if (state.kind === 'loading') return <p className="empty boot">Loading…</p>;
  if (state.kind === 'out') return <Login />;
  if (state.kind === 'error')
    return (
      <main className="login" id="main">
        <div className="login-card">
          <h1>Workhorse</h1>
          <p className="note note-error" role="alert">
            The API did not answer: {state.message}
          </p>
          <button type="button" className="button-primary" onClick={load}>
            Try again
          </button>
        </div>
      </main>
    );

  return (
    <SessionContext.Provider value={state.session}>
      <BrowserRouter basename="/ui">
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <Header session={state.session} onLogout={logout} />
        <main id="main" className="page">
          <Routes>
            <Route index element={<Overview />} />
            <Route path="projects" element={<Projects />} />
            <Route path="runs" element={<Runs />} />
            <Route path="run/:id" element={<RunRoute />} />
            <Route path="jobs" element={<Jobs />} />
            <Route path="approvals" element={<Approvals />} />
            <Route path="bugs" element={<Bugs />} />
            <Route path="roles" element={<RoleConfigs />} />
            <Route path="director" element={<Director />} />
            <Route path="webhooks" element={<Webhooks />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </main>
      </BrowserRouter>
    </SessionContext.Provider>
  );
}

/** A fresh board per run: moving between runs never shows the previous run's cards. */
function RunRoute() {
  return <RunBoard key={useParams().id} />;
}
