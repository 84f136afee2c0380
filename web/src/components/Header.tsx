import { type RefObject, useEffect, useRef } from 'react';
import { NavLink } from 'react-router';
import type { Session } from '../api.ts';
import { useLiveState } from '../live.ts';
import { BugWidget } from './BugWidget.tsx';

/** A link with a permission shows only to those who have it (its page's API would refuse the others). */
const LINKS: { to: string; label: string; end: boolean; permission?: Session['permissions'][number] }[] = [
  { to: '/', label: 'Overview', end: true },
  { to: '/projects/', label: 'Projects', end: false },
  { to: '/runs/', label: 'Runs', end: false },
  { to: '/jobs/', label: 'Jobs', end: false },
  { to: '/approvals/', label: 'Approvals', end: false },
  { to: '/bugs/', label: 'Bugs', end: false },
  { to: '/roles/', label: 'Roles', end: false },
  { to: '/director/', label: 'Director', end: false },
  { to: '/webhooks/', label: 'Webhooks', end: false, permission: 'admin' },
];

const LIVE_TEXT = {
  idle: '',
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
} as const;

/**
 * Publishes the header's height as --topbar-height, so what is pinned to the viewport (the task panel)
 * starts below it and never covers its buttons, however the header wraps on a narrow screen.
 */
function usePublishedHeight(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const root = document.documentElement;
    const publish = () => root.style.setProperty('--topbar-height', `${element.offsetHeight}px`);
    publish();
    const observer = new ResizeObserver(publish);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
}

export function Header({ session, onLogout }: { session: Session; onLogout: () => void }) {
  const live = useLiveState();
  const header = useRef<HTMLElement>(null);
  usePublishedHeight(header);
  return (
    <header className="topbar" ref={header}>
      <div className="topbar-inner">
        <NavLink to="/" className="brand" end>
          <span className="brand-mark" aria-hidden="true">
            W
          </span>
          Workhorse
        </NavLink>
        <nav className="mainnav" aria-label="Main">
          <ul>
            {LINKS.filter((link) => !link.permission || session.permissions.includes(link.permission)).map(
              (link) => (
                <li key={link.to}>
                  <NavLink to={link.to} end={link.end}>
                    {link.label}
                  </NavLink>
                </li>
              ),
            )}
          </ul>
        </nav>
        <div className="topbar-tools">
          {live === 'idle' ? null : (
            <span className={`live live-${live}`} role="status" title="Live updates">
              <span className="live-dot" aria-hidden="true" />
              <span className="live-text">{LIVE_TEXT[live]}</span>
            </span>
          )}
          {session.permissions.includes('report') ? <BugWidget /> : null}
          <span className="whoami" title={`Signed in as ${session.name} (${session.role})`}>
            <span className="whoami-name">{session.name} </span>
            <span className="role-tag">{session.role}</span>
          </span>
          <button type="button" className="button-quiet" onClick={onLogout}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
