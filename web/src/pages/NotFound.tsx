import { Link } from 'react-router';

export function NotFound() {
  return (
    <section className="panel">
      <h1>Page not found</h1>
      <p>
        There is no page at this address. Go to the <Link to="/">overview</Link>.
      </p>
    </section>
  );
}
