import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Actor } from '../access/permissions.ts';
import { writeAudit } from '../audit/audit.ts';
import { randomToken } from '../identity/tokens.ts';
import type { Subscriber } from './dispatcher.ts';

export const MAX_DELIVERY_ATTEMPTS = 8;

/** Retry delay after the n-th failed attempt: 30 s, 1 min, 2 min … capped at 6 h. */
export function backoffSeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 6 * 3600);
}

/** `X-Flywheel-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export interface WebhookView {
  id: string;
  url: string;
  event_types: string[];
  active: boolean;
  description: string | null;
  created_at: Date;
}

/** Outbound webhooks: registration, a subscriber that queues deliveries, and the sender. */
export class WebhooksService {
  private timer: NodeJS.Timeout | undefined;
  private background: Promise<unknown> | undefined;

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
  ) {}

  subscriber(): Subscriber {
    return {
      name: 'webhooks',
      types: '*',
      handle: async (ev, tx) => {
        const hooks = await tx.query(sql<{ id: string }>`select id from webhook
          where tenant_id = ${ev.tenant_id} and active and (${ev.type} = any(event_types) or '*' = any(event_types))`);
        const payload = JSON.stringify({
          id: ev.id,
          type: ev.type,
          created_at: ev.created_at,
          data: ev.payload,
        });
        for (const h of hooks)
          await tx.exec0(sql`insert into webhook_delivery (tenant_id, id, webhook_id, event_id, event_type, payload)
            values (${ev.tenant_id}, ${newId()}, ${h.id}, ${ev.id}, ${ev.type}, ${payload}::jsonb) on conflict do nothing`);
        if (hooks.length) this.kick();
      },
    };
  }

  async create(
    actor: Actor,
    input: { url: string; event_types: string[]; description?: string | undefined },
  ): Promise<WebhookView & { secret: string }> {
    let ok = false;
    try {
      const u = new URL(input.url);
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok) throw invalid([{ field: 'url', issue: 'invalid_url' }]);
    if (!input.event_types.length) throw invalid([{ field: 'event_types', issue: 'required' }]);
    const id = newId();
    const secret = `whsec_${randomToken(24)}`;
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`insert into webhook (tenant_id, id, url, event_types, secret, description) values (${actor.tenantId}, ${id}, ${input.url}, ${input.event_types}, ${secret}, ${input.description ?? null})`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'webhook',
          recordId: id,
          changes: { url: [null, input.url], event_types: [null, input.event_types] },
        },
      ]);
    });
    const w = await this.get(actor, id);
    return { ...w, secret };
  }

  async list(actor: Actor): Promise<WebhookView[]> {
    return TenantDb.for(this.db, actor.tenantId).query(
      sql<WebhookView>`select id, url, event_types, active, description, created_at from webhook where tenant_id = ${actor.tenantId} order by created_at`,
    );
  }

  async get(actor: Actor, id: string): Promise<WebhookView> {
    if (!isUuid(id)) throw notFound();
    const w = (await this.list(actor)).find((x) => x.id === id);
    if (!w) throw notFound();
    return w;
  }

  async update(
    actor: Actor,
    id: string,
    input: { active?: boolean | undefined; event_types?: string[] | undefined },
  ): Promise<WebhookView> {
    const before = await this.get(actor, id);
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      await tx.exec0(sql`update webhook set active = coalesce(${input.active ?? null}, active), event_types = coalesce(${input.event_types ?? null}::text[], event_types)
        where tenant_id = ${actor.tenantId} and id = ${id}`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'webhook',
          recordId: id,
          changes: { active: [before.active, input.active ?? before.active] },
        },
      ]);
    });
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.get(actor, id);
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      await tx.exec0(sql`delete from webhook where tenant_id = ${actor.tenantId} and id = ${id}`);
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'webhook', recordId: id, changes: { deleted: [false, true] } },
      ]);
    });
  }

  async deliveries(actor: Actor, webhookId: string, limit = 100): Promise<unknown[]> {
    await this.get(actor, webhookId);
    return TenantDb.for(this.db, actor.tenantId)
      .query(sql`select id, event_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at
      from webhook_delivery where tenant_id = ${actor.tenantId} and webhook_id = ${webhookId} order by created_at desc limit ${limit}`);
  }

  /** Queues a delivery again (after a fix on the receiving side). */
  async replay(actor: Actor, webhookId: string, deliveryId: string): Promise<void> {
    await this.get(actor, webhookId);
    if (!isUuid(deliveryId)) throw notFound();
    const n = await TenantDb.for(this.db, actor.tenantId)
      .exec0(sql`update webhook_delivery set status = 'pending', next_attempt_at = now(), attempts = 0
      where tenant_id = ${actor.tenantId} and webhook_id = ${webhookId} and id = ${deliveryId}`);
    if (!n) throw notFound();
    this.kick();
  }

  start(intervalMs = 2_000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  kick(): void {
    if (this.background) return;
    this.background = this.sendAll()
      .catch((err: unknown) => this.log.error({ err }, 'webhook sending failed'))
      .finally(() => {
        this.background = undefined;
      });
  }

  /** Sends every due delivery (after any background run in progress); returns how many were attempted. */
  async sendDue(): Promise<number> {
    if (this.background) await this.background;
    return this.sendAll();
  }

  private async sendAll(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const claimed = await this.claim(SEND_BATCH);
      if (!claimed.length) return attempted;
      // A few at a time: one slow receiver must not hold up the others.
      for (let i = 0; i < claimed.length; i += SEND_CONCURRENCY)
        await Promise.all(claimed.slice(i, i + SEND_CONCURRENCY).map((d) => this.send(d)));
      attempted += claimed.length;
    }
  }

  /**
   * Leases due deliveries of active webhooks by pushing their next attempt past the send
   * timeout, so no other node takes them meanwhile and a crash mid-send means a retry, not a loss.
   */
  private async claim(limit: number): Promise<Claimed[]> {
    const r = await sql<Claimed>`
      with due as (
        select d.tenant_id, d.id from webhook_delivery d
        join webhook w on w.tenant_id = d.tenant_id and w.id = d.webhook_id and w.active
        where d.status = 'pending' and d.next_attempt_at <= now()
        order by d.next_attempt_at limit ${limit}
        for update of d skip locked)
      update webhook_delivery d set next_attempt_at = now() + interval '2 minutes'
      from due, webhook w
      where d.tenant_id = due.tenant_id and d.id = due.id and w.tenant_id = d.tenant_id and w.id = d.webhook_id
      returning d.tenant_id, d.id, w.url, w.secret, d.payload, d.attempts, d.event_type`.execute(
      this.db.kysely,
    );
    return r.rows;
  }

  private async send(d: Claimed): Promise<void> {
    const body = JSON.stringify(d.payload);
    const ts = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(d.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Flywheel-Webhooks/1',
          'x-flywheel-event': d.event_type,
          'x-flywheel-delivery': d.id,
          'x-flywheel-signature': signPayload(d.secret, ts, body),
        },
        body,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      await res.body?.cancel();
    } catch (err) {
      error = (err as Error).message;
    }
    const attempts = d.attempts + 1;
    const tdb = TenantDb.for(this.db, d.tenant_id);
    if (status !== null && status >= 200 && status < 300) {
      await tdb.exec0(
        sql`update webhook_delivery set status = 'succeeded', attempts = ${attempts}, last_status_code = ${status}, last_error = null, delivered_at = now() where tenant_id = ${d.tenant_id} and id = ${d.id}`,
      );
      return;
    }
    const failed = attempts >= MAX_DELIVERY_ATTEMPTS;
    await tdb.exec0(sql`update webhook_delivery set status = ${failed ? 'failed' : 'pending'}, attempts = ${attempts}, last_status_code = ${status},
      last_error = ${error ?? `HTTP ${status}`}, next_attempt_at = now() + make_interval(secs => ${backoffSeconds(attempts)})
      where tenant_id = ${d.tenant_id} and id = ${d.id}`);
  }
}

interface Claimed {
  tenant_id: string;
  id: string;
  url: string;
  secret: string;
  payload: unknown;
  attempts: number;
  event_type: string;
}

const SEND_BATCH = 20;
const SEND_CONCURRENCY = 5;
const SEND_TIMEOUT_MS = 10_000;
