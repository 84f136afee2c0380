/**
 * orm: raw SQL added to the code of a project that declares an ORM (`settings.director.rules.orm.orm`, say
 * "django" or "drizzle"; off while none is declared). Migrations and tests may hold SQL; code goes through
 * the ORM.
 */
import type { DirectorRule } from '../rule.ts';
import { changesToReview, sendBack } from './dev-changes.ts';

const SQL_STATEMENT =
  /["'`][^"'`]*\b(SELECT\s+[\w*,\s.()]+\s+FROM\s+\w|INSERT\s+INTO\s+\w|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s+\w)/i;
const RAW_CALL =
  /\b(cursor\.execute|executemany|\.raw|\$queryRawUnsafe|\$executeRawUnsafe|\$queryRaw|\$executeRaw|sequelize\.query|knex\.raw|db\.exec)\s*\(/;
const EXEMPT =
  /(^|\/)(migrations?|alembic|drizzle|db\/migrate|tests?|__tests__|spec)\/|[._-](test|spec)\.[a-z]+$/;
const CODE = /\.(js|jsx|mjs|cjs|ts|tsx|mts|py|rb|go|java|kt|php|cs)$/i;

export const orm: DirectorRule = {
  name: 'orm',
  async propose(view) {
    const declares = (settings: Parameters<typeof view.config>[0]) =>
      Boolean(view.config(settings, 'orm')?.orm);
    const reviewed = await changesToReview(view, 'orm', declares);
    return reviewed.flatMap(({ job, changes }) => {
      const raw = changes
        .filter((change) => change.status !== 'D' && CODE.test(change.path) && !EXEMPT.test(change.path))
        .flatMap((change) =>
          change.added
            .filter((line) => SQL_STATEMENT.test(line) || RAW_CALL.test(line))
            .map((line) => ({ file: change.path, line: line.trim().slice(0, 200) })),
        );
      if (raw.length === 0) return [];
      const ormName = String(view.config(job.settings, 'orm')!.orm);
      return [
        sendBack(
          'orm',
          job,
          { orm: ormName, raw_sql: raw.slice(0, 10) },
          {
            issue: `the change adds raw SQL where the project uses ${ormName} (${raw[0]!.file}: ${raw[0]!.line})`,
            recommendation: `express the query with ${ormName}'s own API; keep SQL to migrations`,
            file: raw[0]!.file,
          },
        ),
      ];
    });
  },
};
