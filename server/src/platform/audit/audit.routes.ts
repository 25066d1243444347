import { z } from 'zod';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { actorOf } from '../http/auth.hooks.ts';
import { AppError, forbidden } from '../http/errors.ts';
import { fieldAccess } from '../access/permissions.ts';
import { isUuid } from '../db/ids.ts';
import type { RecordsService } from '../records/records.service.ts';
import { AuditEntry, listOf, responses } from '../http/response-schemas.ts';

interface AuditRow {
  id: string;
  at: Date;
  actor_user_id: string | null;
  actor_name: string | null;
  actor_api_key_id: string | null;
  action: string;
  object: string;
  record_id: string | null;
  changes: Record<string, [unknown, unknown]>;
}

/**
 * GET /api/v1/audit?object=&id= — the history of one record for anyone who may read it
 * (hidden fields redacted); without an id, the tenant-wide log for admins.
 */
export function registerAuditRoutes(app: FastifyInstance, db: Db, records: RecordsService): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Change history',
        response: responses({ 200: listOf(AuditEntry) }),
        querystring: z.object({
          object: z.string().max(64).optional(),
          id: z.string().max(64).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.string().max(64).optional().describe('id of the last entry of the previous page'),
        }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const { object, id, limit, before } = req.query;
      if (before !== undefined && !isUuid(before))
        throw new AppError('bad_request', 'bad_request', [{ field: 'before', issue: 'invalid_cursor' }]);
      if (id !== undefined) {
        if (!object)
          throw new AppError('bad_request', 'bad_request', [{ field: 'object', issue: 'required' }]);
        // Reading the record first applies object permission and record scope (404 if not visible).
        await records.get(actor, object, id);
      } else if (!actor.isAdmin) throw forbidden();
      const rows = await TenantDb.for(db, actor.tenantId).query(sql<AuditRow>`
        select a.id, a.at, a.actor_user_id, u.name as actor_name, a.actor_api_key_id, a.action, a.object, a.record_id, a.changes
        from audit_log a left join app_user u on u.tenant_id = a.tenant_id and u.id = a.actor_user_id
        where a.tenant_id = ${actor.tenantId}
          ${object ? sql`and a.object = ${object}` : sql``}
          ${id && isUuid(id) ? sql`and a.record_id = ${id}` : sql``}
          ${before ? sql`and a.id < ${before}` : sql``}
        order by a.id desc limit ${limit}`);
      return {
        data: rows.map((r) => ({
          ...r,
          changes: Object.fromEntries(
            Object.entries(r.changes).map(([f, [o, n]]) =>
              fieldAccess(actor, r.object, f) === 'hidden'
                ? [f, { old: null, new: null, redacted: true }]
                : [f, { old: o, new: n }],
            ),
          ),
        })),
      };
    },
  );
}
