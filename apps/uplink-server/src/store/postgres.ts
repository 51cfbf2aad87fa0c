/** The PostgreSQL store driver: a `pg` connection pool. */
import pg from 'pg';
import type { SqlDriver, SqlQueries } from './driver';

/** The URL without its password, for messages and logs. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}

function queriesOf(client: pg.Pool | pg.PoolClient): SqlQueries {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      return (await client.query(sql, params)).rows as T[];
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/** A pool of connections to the PostgreSQL database at `url` (postgres://user:password@host:port/db). */
export async function openPostgres(url: string, maxConnections = 10): Promise<SqlDriver> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.release();
  return {
    kind: 'postgres',
    location: redactedUrl(url),
    ...queriesOf(pool),
    async transaction<T>(fn: (tx: SqlQueries) => Promise<T>): Promise<T> {
      const c = await pool.connect();
      let broken: Error | undefined;
      try {
        await c.query('BEGIN');
        const result = await fn(queriesOf(c));
        await c.query('COMMIT');
        return result;
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      } finally {
        // A connection that could not roll back is closed, not returned to the pool.
        c.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
