/** pg-boss with single-job fetch: fetch(batchSize 1) then complete, per worker loop. */
import PgBoss from 'pg-boss';
import { analyze, timed } from '../stats.ts';

const QUEUE = 'bench';

export async function runPgBoss(
  url: string,
  jobs: number,
  workers: number,
  claimMs: number[],
): Promise<number> {
  const boss = new PgBoss({ connectionString: url, max: workers + 2, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue(QUEUE);
  for (let sent = 0; sent < jobs; sent += 1000) {
    await boss.insert(Array.from({ length: Math.min(1000, jobs - sent) }, () => ({ name: QUEUE, data: {} })));
  }
  await analyze(url);
  const start = performance.now();
  const loop = async () => {
    for (;;) {
      const [job] = await timed(claimMs, () => boss.fetch(QUEUE, { batchSize: 1 }));
      if (!job) return;
      await boss.complete(QUEUE, job.id);
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  const seconds = (performance.now() - start) / 1000;
  await boss.stop({ graceful: false, wait: true });
  return seconds;
}
