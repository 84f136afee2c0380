/**
 * `npm run chaos`: the long chaos run (300 tasks, 3 workers, a worker SIGKILLed every 15 s, 5 connection
 * drops, one PostgreSQL restart) on a PostgreSQL cluster of its own. Prints its figures; exits 1 when a
 * target is missed. CHAOS_TASKS, CHAOS_KILL_EVERY and CHAOS_DEADLINE change the size.
 */
import { formatFigures, runChaos } from '../test/support/chaos.ts';

const figures = await runChaos({
  tasks: Number(process.env.CHAOS_TASKS ?? 300),
  runs: 10,
  workers: 3,
  killEverySeconds: Number(process.env.CHAOS_KILL_EVERY ?? 15),
  connectionDrops: 5,
  restartAfterSeconds: 45,
  deadlineSeconds: Number(process.env.CHAOS_DEADLINE ?? 1200),
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`${formatFigures(figures)}\n`);
const missed =
  figures.complete !== figures.tasks ||
  figures.lostStageResults + figures.duplicatedStageResults > 0 ||
  figures.workersExitedOnTheirOwn > 0 ||
  figures.connectionsAtEnd > figures.connectionsAtStart ||
  figures.longestReclaimSeconds > 45;
process.exit(missed ? 1 : 0);
