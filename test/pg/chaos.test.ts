/**
 * The short chaos run in CI (see test/support/chaos.ts; `npm run chaos` is the long one): on a PostgreSQL
 * of its own, `wh serve` and three `wh worker` processes take 60 tasks through the four stages while every
 * connection is dropped five times, the server restarts once, and a random worker is SIGKILLed every 15 s.
 * Every task completes, no stage result is lost or doubled, no worker exits on its own, the connections
 * come back to their number, and an orphaned job is claimed again within 45 s. The figures are printed.
 */
import { describe, expect, it } from 'vitest';
import { formatFigures, runChaos } from '../support/chaos.ts';
import { writeFigures } from '../support/figures.ts';

describe('chaos', () => {
  it('survives dropped connections, a database restart and killed workers, losing and doubling nothing', {
    timeout: 600_000,
  }, async () => {
    const figures = await runChaos({
      tasks: 60,
      runs: 6,
      workers: 3,
      killEverySeconds: 15,
      connectionDrops: 5,
      restartAfterSeconds: 45,
      deadlineSeconds: 420,
    });
    writeFigures('chaos', formatFigures(figures));
    expect(figures.complete).toBe(figures.tasks);
    expect(figures.lostStageResults).toBe(0);
    expect(figures.duplicatedStageResults).toBe(0);
    expect(figures.workersKilled).toBeGreaterThanOrEqual(3);
    expect(figures.workersExitedOnTheirOwn).toBe(0);
    expect(figures.connectionDrops).toBe(5);
    expect(figures.serverRestarts).toBe(1);
    // A leak would add connections with every drop, restart and kill; a pool's size moves by one.
    expect(figures.connectionsAtEnd).toBeLessThanOrEqual(figures.connectionsAtStart + 1);
    expect(figures.longestReclaimSeconds).toBeLessThanOrEqual(45);
  });
});
