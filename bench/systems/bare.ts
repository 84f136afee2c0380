/**
 * The floor: a bare SKIP LOCKED claim and an UPDATE to finish, no events, no leases. The limit for
 * durable commits on this machine.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { timed } from '../stats.ts';

export async function prepareBare(database: Database, jobs: number): Promise<void> {
  await database.db.execute(sql`drop table if exists bare_jobs`);
  await database.db.execute(
    sql`create table bare_jobs (id bigserial primary key, state text not null, priority int not null default 5)`,
  );
  await database.db.execute(
    sql`create index bare_jobs_queued on bare_jobs (priority desc, id) where state = 'queued'`,
  );
  await database.db.execute(
    sql`insert into bare_jobs (state) select 'queued' from generate_series(1, ${jobs})`,
  );
  await database.db.execute(sql`analyze`);
}

export async function drainBare(database: Database, workers: number, claimMs: number[]): Promise<void> {
  const loop = async () => {
    for (;;) {
      const claimed = await timed(claimMs, () =>
        database.db.execute<{ id: string }>(sql`
          update bare_jobs set state = 'running'
           where id = (select id from bare_jobs where state = 'queued'
                        order by priority desc, id for update skip locked limit 1)
          returning id`),
      );
      const id = claimed.rows[0]?.id;
      if (id === undefined) return;
      await database.db.execute(sql`update bare_jobs set state = 'done' where id = ${id}`);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}
