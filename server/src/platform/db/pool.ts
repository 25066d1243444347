import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';

// int8 (counts, minor-unit money) arrives as text; convert, but refuse silently losing precision.
pg.types.setTypeParser(20, (v: string) => {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${v} exceeds the safe integer range`);
  return n;
});
// numeric → JS number (number/percent fields; money never uses numeric).
pg.types.setTypeParser(1700, (v: string) => Number(v));
// date stays a 'YYYY-MM-DD' string: a JS Date would shift it by the server's time zone.
pg.types.setTypeParser(1082, (v: string) => v);

/** The database schema is addressed through `sql` templates; Kysely gives us typed results and safe binding. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Schema {}

export interface Db {
  pool: pg.Pool;
  kysely: Kysely<Schema>;
  close(): Promise<void>;
}

export function createDb(connectionString: string, max = 10): Db {
  // JIT off: its compile step (~300 ms measured) dwarfs the work of our queries, which read at most
  // a few hundred thousand rows (docs/decisions/0002-jit-off.md).
  const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, options: '-c jit=off' });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on('error', () => undefined);
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    pool,
    kysely,
    async close() {
      await kysely.destroy();
    },
  };
}
