/**
 * The limits, with no events, leases or handlers: what this database can do for a queue at all.
 * - Two commits per job: a SKIP LOCKED claim, then an UPDATE to finish, per worker loop.
 * - Fused and batched: one slot pool whose finished jobs are completed in the same statement that claims
 *   work for every free slot, the approach Workhorse's worker takes, so its overhead over its own limit shows.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.ts';
import { doWork, type JobTime, timed } from '../stats.ts';

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

const claimSome = (limit: number) => sql`
  update bare_jobs set state = 'running'
   where id in (select id from bare_jobs where state = 'queued'
                 order by priority desc, id for update skip locked limit ${limit})
  returning id`;

export async function drainBare(
  database: Database,
  workers: number,
  claimMs: number[],
  time: JobTime,
): Promise<void> {
  const loop = async () => {
    for (;;) {
      const claimed = await timed(claimMs, () => database.db.execute<{ id: string }>(claimSome(1)));
      const id = claimed.rows[0]?.id;
      if (id === undefined) return;
      await doWork(time);
      await database.db.execute(sql`update bare_jobs set state = 'done' where id = ${id}`);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
}

export async function drainBareFused(
  database: Database,
  workers: number,
  claimMs: number[],
  time: JobTime,
): Promise<void> {
  let resolve: () => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const drained = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const finished: string[] = [];
  let free = workers;
  let running = 0;
  let writing = false;
  let empty = false;
  const write = async () => {
    const done = finished.splice(0);
    const slots = empty ? 0 : free + done.length;
    free = 0;
    const claimed = await timed(claimMs, () =>
      database.db.execute<{ id: string }>(sql`
        with done as (update bare_jobs set state = 'done' where id = any(${`{${done.join(',')}}`}::bigint[]))
        ${claimSome(slots)}`),
    );
    free = slots - claimed.rows.length;
    if (claimed.rows.length < slots) empty = true;
    for (const { id } of claimed.rows) {
      running += 1;
      void doWork(time).then(() => {
        running -= 1;
        finished.push(id);
        pump();
      });
    }
  };
  const pump = () => {
    if (writing) return;
    if (finished.length === 0 && (empty || free === 0)) {
      if (empty && running === 0) resolve();
      return;
    }
    writing = true;
    write()
      .then(() => {
        writing = false;
        pump();
      })
      .catch(reject);
  };
  pump();
  await drained;
}
