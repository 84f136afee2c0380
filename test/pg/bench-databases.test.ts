/** The benchmarks' throwaway databases: whatever the benchmark does, the database it made is gone after. */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { withFreshDatabase } from '../../bench/databases.ts';
import { withAdmin } from '../support/postgres.ts';

async function exists(name: string): Promise<boolean> {
  const { rows } = await withAdmin((admin) =>
    admin.query('select 1 from pg_database where datname = $1', [name]),
  );
  return rows.length === 1;
}

const nameOf = (url: string) => new URL(url).pathname.slice(1);

describe('withFreshDatabase', () => {
  it('creates an empty database and drops it afterwards', async () => {
    const name = await withFreshDatabase('wh_bench_test', async (url) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(
        "select count(*)::int as n from pg_tables where schemaname = 'public'",
      );
      await client.end();
      expect(rows[0].n).toBe(0);
      return nameOf(url);
    });
    expect(name).toMatch(/^wh_bench_test_/);
    expect(await exists(name)).toBe(false);
  });

  it('drops the database when the benchmark fails, and passes the failure on', async () => {
    let made = '';
    await expect(
      withFreshDatabase('wh_bench_test', async (url) => {
        made = nameOf(url);
        throw new Error('the benchmark broke');
      }),
    ).rejects.toThrow('the benchmark broke');
    expect(made).toMatch(/^wh_bench_test_/);
    expect(await exists(made)).toBe(false);
  });
});
