import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { notFound } from '../http/errors.ts';
import type { Actor } from '../access/permissions.ts';
import { findTenantById } from '../identity/tenants.service.ts';

export interface NotificationInput {
  userId: string;
  kind: string;
  title: string;
  body?: string;
  link?: string;
}

/** Adds in-app notifications in the caller's transaction (jobs and hooks use this directly). */
export async function addNotifications(tx: TenantDb, items: NotificationInput[]): Promise<void> {
  for (const n of items)
    await tx.exec0(
      sql`insert into notification (tenant_id, id, user_id, kind, title, body, link) values (${tx.tenantId}, ${newId()}, ${n.userId}, ${n.kind}, ${n.title}, ${n.body ?? null}, ${n.link ?? null})`,
    );
}

/** In-app notifications and e-mail (SMTP when the tenant configured it, else the mail outbox table). */
export class NotifyService {
  constructor(private readonly db: Db) {}

  /** Adds notifications in the caller's transaction (so they commit with the change that caused them). */
  async notify(tx: TenantDb, items: NotificationInput[]): Promise<void> {
    await addNotifications(tx, items);
  }

  async list(
    actor: Actor,
    opts: { unreadOnly: boolean; limit: number },
  ): Promise<{ data: unknown[]; unread: number }> {
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const data = await tdb.query(sql`select id, kind, title, body, link, created_at, read_at from notification
      where tenant_id = ${actor.tenantId} and user_id = ${actor.userId} ${opts.unreadOnly ? sql`and read_at is null` : sql``}
      order by created_at desc, id desc limit ${opts.limit}`);
    const c = await tdb.one(
      sql<{
        n: number;
      }>`select count(*)::int8 as n from notification where tenant_id = ${actor.tenantId} and user_id = ${actor.userId} and read_at is null`,
    );
    return { data, unread: c?.n ?? 0 };
  }

  async markRead(actor: Actor, id: string | 'all'): Promise<number> {
    if (id !== 'all' && !isUuid(id)) throw notFound();
    const n = await TenantDb.for(this.db, actor.tenantId).exec0(sql`update notification set read_at = now()
      where tenant_id = ${actor.tenantId} and user_id = ${actor.userId} and read_at is null ${id === 'all' ? sql`` : sql`and id = ${id}`}`);
    if (id !== 'all' && n === 0) {
      const exists = await TenantDb.for(this.db, actor.tenantId).one(
        sql`select 1 from notification where tenant_id = ${actor.tenantId} and user_id = ${actor.userId} and id = ${id}`,
      );
      if (!exists) throw notFound();
    }
    return n;
  }

  /** Sends through the tenant's SMTP server, or stores the mail for admins when none is set. */
  async sendMail(
    tenantId: string,
    to: string,
    subject: string,
    body: string,
  ): Promise<'sent' | 'stored' | 'failed'> {
    const tenant = await findTenantById(this.db, tenantId);
    const smtp = tenant?.settings.smtp;
    const tdb = TenantDb.for(this.db, tenantId);
    const id = newId();
    if (!smtp) {
      await tdb.exec0(
        sql`insert into mail_outbox (tenant_id, id, to_address, subject, body, status) values (${tenantId}, ${id}, ${to}, ${subject}, ${body}, 'stored')`,
      );
      return 'stored';
    }
    await tdb.exec0(
      sql`insert into mail_outbox (tenant_id, id, to_address, subject, body, status) values (${tenantId}, ${id}, ${to}, ${subject}, ${body}, 'queued')`,
    );
    try {
      const transport = nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure ?? smtp.port === 465,
        ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      });
      await transport.sendMail({ from: smtp.from, to, subject, text: body });
      await tdb.exec0(
        sql`update mail_outbox set status = 'sent', sent_at = now() where tenant_id = ${tenantId} and id = ${id}`,
      );
      return 'sent';
    } catch (err) {
      await tdb.exec0(
        sql`update mail_outbox set status = 'failed', error = ${(err as Error).message} where tenant_id = ${tenantId} and id = ${id}`,
      );
      return 'failed';
    }
  }
}
