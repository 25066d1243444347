import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';

export interface MigrationSource {
  /** Module name, recorded with every applied file. */
  module: string;
  dir: string;
}

export interface MigrationResult {
  applied: string[];
}

// Arbitrary constant: serialises concurrent `migrate` runs (two API nodes starting at once).
const MIGRATION_LOCK = 727_001;

/**
 * Applies plain `.sql` files, module by module in the given order and file-name order within a
 * module. Each file runs in its own transaction with its record row; a changed checksum of an
 * applied file is an error rather than a silent drift.
 */
export async function migrate(
  connectionString: string,
  sources: MigrationSource[],
): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists schema_migration (
      module text not null, name text not null, checksum text not null,
      applied_at timestamptz not null default now(), primary key (module, name))`);
    const done = await client.query<{ module: string; name: string; checksum: string }>(
      'select module, name, checksum from schema_migration',
    );
    const known = new Map(done.rows.map((r) => [`${r.module}/${r.name}`, r.checksum]));
    for (const src of sources) {
      if (!fs.existsSync(src.dir)) continue;
      const files = fs
        .readdirSync(src.dir)
        .filter((f) => f.endsWith('.sql'))
        .sort();
      for (const file of files) {
        const text = fs.readFileSync(path.join(src.dir, file), 'utf8');
        const checksum = crypto.createHash('sha256').update(text).digest('hex');
        const key = `${src.module}/${file}`;
        const prior = known.get(key);
        if (prior !== undefined) {
          if (prior !== checksum) throw new Error(`migration ${key} was changed after it was applied`);
          continue;
        }
        await client.query('begin');
        try {
          await client.query(text);
          await client.query('insert into schema_migration (module, name, checksum) values ($1, $2, $3)', [
            src.module,
            file,
            checksum,
          ]);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback');
          throw new Error(`migration ${key} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(key);
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
  return { applied };
}
