import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Db, Schema } from './pool.ts';
import type pg from 'pg';
import { isUuid } from './ids.ts';

type Executor = Kysely<Schema> | Transaction<Schema>;

/**
 * The only way business code reaches tenant tables: a TenantDb cannot be built without a
 * tenant id, exposes that id for every query to bind, and runs writes in a transaction that
 * records the tenant in `flywheel.tenant_id` (visible to triggers and to logs of slow queries).
 */
export class TenantDb {
  private constructor(
    readonly tenantId: string,
    private readonly exec: Executor,
    readonly inTransaction: boolean,
    private readonly pool: pg.Pool | undefined,
  ) {}

  static for(db: Db, tenantId: string): TenantDb {
    if (!isUuid(tenantId)) throw new Error('TenantDb needs a tenant id');
    return new TenantDb(tenantId, db.kysely, false, db.pool);
  }

  async query<R>(q: RawBuilder<R>): Promise<R[]> {
    if (this.pool) {
      // Outside a transaction a statement goes straight to the pool: Kysely still compiles and
      // binds it, but its per-query connection handling (~0.2 ms) is skipped on hot reads.
      const c = q.compile(this.exec);
      const res = await this.pool.query(c.sql, [...c.parameters]);
      return res.rows as R[];
    }
    const res = await q.execute(this.exec);
    return res.rows;
  }

  async one<R>(q: RawBuilder<R>): Promise<R | undefined> {
    return (await this.query(q))[0];
  }

  async exec0(q: RawBuilder<unknown>): Promise<number> {
    const res = await q.execute(this.exec);
    return Number(res.numAffectedRows ?? 0);
  }

  /** Runs fn in one transaction (nested calls join the outer one). */
  async transaction<T>(fn: (tx: TenantDb) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return (this.exec as Kysely<Schema>).transaction().execute(async (trx) => {
      await sql`select set_config('flywheel.tenant_id', ${this.tenantId}, true)`.execute(trx);
      return fn(new TenantDb(this.tenantId, trx, true, undefined));
    });
  }
}
