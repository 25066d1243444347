import pg from 'pg';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { OUTBOX_CHANNEL } from './outbox.ts';

export interface StoredEvent {
  id: string;
  tenant_id: string;
  type: string;
  object: string | null;
  record_id: string | null;
  actor_user_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

/** A consumer of domain events. Runs inside the dispatch transaction of each event. */
export interface Subscriber {
  name: string;
  /** Event types, or '*' for all. */
  types: string[] | '*';
  handle(event: StoredEvent, tx: TenantDb): Promise<void>;
}

const MAX_ATTEMPTS = 10;

/**
 * Delivers outbox events to subscribers at least once. A receipt row per (event, subscriber),
 * written in the subscriber's transaction, makes a redelivery after a crash a no-op, so each
 * subscriber sees each event effectively once. Several nodes can run it (SKIP LOCKED).
 */
export class EventDispatcher {
  private readonly subscribers: Subscriber[] = [];
  private listener: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = true;
  /** stop() was called: background drains end after their current batch. */
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly connectionString: string,
    private readonly log: FastifyBaseLogger,
    private readonly pollMs = 1_000,
  ) {}

  subscribe(s: Subscriber): void {
    this.subscribers.push(s);
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.stopping = false;
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('error', () => undefined);
    client.on('notification', () => this.kick());
    await client.connect();
    await client.query(`listen ${OUTBOX_CHANNEL}`);
    this.listener = client;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.drain()
      .catch((err: unknown) => this.log.error({ err }, 'event dispatch failed'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /**
   * Dispatches everything pending and due — of one tenant when given (tests wait for their own
   * tenant's events without working off what other test files left in the shared database).
   */
  async drain(tenantId?: string): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await sql<{ tenant_id: string; id: string }>`
        select tenant_id, id from outbox_event
        where dispatched_at is null and attempts < ${MAX_ATTEMPTS} and next_attempt_at <= now()
          ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}
        order by seq limit 100`.execute(this.db.kysely);
      if (!batch.rows.length) return total;
      let done = 0;
      for (const e of batch.rows) done += await this.dispatchOne(e.tenant_id, e.id);
      total += done;
      // Nothing we could take (locked by another node, or failing): wait for the next tick.
      if (done === 0 || this.stopping) return total;
    }
  }

  private async dispatchOne(tenantId: string, id: string): Promise<number> {
    const tdb = TenantDb.for(this.db, tenantId);
    try {
      return await tdb.transaction(async (tx) => {
        const ev =
          await tx.one(sql<StoredEvent>`select id, tenant_id, type, object, record_id, actor_user_id, payload, created_at from outbox_event
          where tenant_id = ${tenantId} and id = ${id} and dispatched_at is null for update skip locked`);
        if (!ev) return 0;
        for (const s of this.subscribers) {
          if (s.types !== '*' && !s.types.includes(ev.type)) continue;
          const first = await tx.one(
            sql`insert into event_receipt (tenant_id, event_id, subscriber) values (${tenantId}, ${id}, ${s.name}) on conflict do nothing returning 1`,
          );
          if (first) await s.handle(ev, tx);
        }
        await tx.exec0(
          sql`update outbox_event set dispatched_at = now() where tenant_id = ${tenantId} and id = ${id}`,
        );
        return 1;
      });
    } catch (err) {
      // Retry after 2, 4, 8 … seconds from this failure; after MAX_ATTEMPTS it stays for an operator.
      const r = await tdb.one(sql<{
        attempts: number;
      }>`update outbox_event set attempts = attempts + 1, last_error = ${(err as Error).message},
          next_attempt_at = now() + make_interval(secs => power(2, attempts + 1)::int)
        where tenant_id = ${tenantId} and id = ${id} returning attempts`);
      if ((r?.attempts ?? 0) >= MAX_ATTEMPTS)
        this.log.error({ err, event: id }, 'event given up after retries');
      else this.log.warn({ err, event: id }, 'event subscriber failed; will retry');
      return 0;
    }
  }
}
