import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { actorOf, adminOf } from '../http/auth.hooks.ts';
import { writeAudit } from '../audit/audit.ts';
import type { NotifyService } from './notify.service.ts';
import { mergeSmtp, publicSmtp, type StoredSmtp } from './smtp-settings.ts';
import {
  dataOf,
  listOf,
  MailOutboxEntry,
  noContent,
  NotificationItem,
  responses,
} from '../http/response-schemas.ts';

export function registerNotifyRoutes(app: FastifyInstance, db: Db, notify: NotifyService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications and the unread count',
        response: responses({
          200: z.strictObject({ data: z.array(NotificationItem), unread: z.number().int() }),
        }),
        querystring: z.object({
          unread: z.enum(['true', 'false']).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (req) =>
      notify.list(actorOf(req), { unreadOnly: req.query.unread === 'true', limit: req.query.limit }),
  );
  r.post(
    '/api/v1/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one (or `all`) as read',
        response: responses({ 200: dataOf(z.strictObject({ marked: z.number().int() })) }),
        params: z.object({ id: z.string() }),
      },
    },
    async (req) => ({
      data: { marked: await notify.markRead(actorOf(req), req.params.id === 'all' ? 'all' : req.params.id) },
    }),
  );
  r.get(
    '/api/v1/admin/mail-outbox',
    {
      schema: {
        tags: ['admin'],
        summary: 'E-mails stored (no SMTP) or sent',
        response: responses({ 200: listOf(MailOutboxEntry) }),
      },
    },
    async (req) => {
      const a = adminOf(req);
      return {
        data: await TenantDb.for(db, a.tenantId).query(
          sql`select id, to_address, subject, body, status, error, created_at, sent_at from mail_outbox where tenant_id = ${a.tenantId} order by created_at desc, id desc limit 200`,
        ),
      };
    },
  );
  r.put(
    '/api/v1/admin/settings/smtp',
    {
      schema: {
        tags: ['admin'],
        summary:
          'Set (or clear with null) the SMTP server for outgoing mail; an omitted password keeps the stored one, "" or null removes it',
        response: responses({ 204: noContent }),
        body: z
          .strictObject({
            host: z.string().min(1).max(200),
            port: z.number().int().min(1).max(65535),
            secure: z.boolean().optional(),
            user: z.string().max(200).optional(),
            password: z.string().max(200).nullable().optional(),
            from: z.string().email(),
          })
          .nullable(),
      },
    },
    async (req, reply) => {
      const a = adminOf(req);
      const body = req.body;
      await TenantDb.for(db, a.tenantId).transaction(async (tx) => {
        // Lock the tenant row: two admins saving at once must not lose each other's password.
        const row = await tx.one(
          sql<{
            smtp: StoredSmtp | null;
          }>`select settings->'smtp' as smtp from tenant where id = ${a.tenantId} for update`,
        );
        const stored = row?.smtp ?? undefined;
        const next = body ? mergeSmtp(stored, body) : null;
        await tx.exec0(
          next
            ? sql`update tenant set settings = jsonb_set(settings, '{smtp}', ${JSON.stringify(next.smtp)}::jsonb) where id = ${a.tenantId}`
            : sql`update tenant set settings = settings - 'smtp' where id = ${a.tenantId}`,
        );
        await writeAudit(tx, a, [
          {
            action: 'admin',
            object: 'settings',
            recordId: null,
            changes: {
              smtp: [
                stored ? publicSmtp(stored) : null,
                next ? { ...publicSmtp(next.smtp), password: next.password } : null,
              ],
            },
          },
        ]);
      });
      return reply.status(204).send();
    },
  );
}
