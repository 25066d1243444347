import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit, type AuditEntry } from '../../platform/audit/audit.ts';
import { emitEvents, type DomainEvent } from '../../platform/events/outbox.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { lightSettings, managerOf, notifyLight } from './lights.service.ts';
import { escalateTo, escalationDue, nextPriority, type LightStatus, type Priority } from './lights.rules.ts';

/** The job writes as the system: no user, no API key. */
const SYSTEM = { userId: null, apiKeyId: null };

interface OpenLight {
  id: string;
  account_id: string;
  subject: string;
  status: LightStatus;
  owner_id: string | null;
  responsible_id: string | null;
  escalation_level: number;
  priority: Priority;
  grade: string | null;
  opened_on: string;
  escalated_on: string | null;
  renewal_due: string | null;
}

/**
 * Escalates the unresolved lights of one tenant on `asOf` (lights.rules.ts escalationDue): level
 * + 1, priority one step up, responsible moved up (their manager, the CS director, an admin), the
 * new responsible and the owner notified. Once a day per light (escalated_on), so a rerun of the
 * day changes nothing.
 */
export async function escalateLights(tdb: TenantDb, asOf: string): Promise<Record<string, unknown>> {
  const tz = await tenantTimeZone(tdb);
  const { escalation } = await lightSettings(tdb);
  return tdb.transaction(async (tx) => {
    await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('success.lights:' || ${tx.tenantId}))`);
    const rows = await tx.query(sql<OpenLight>`select t.id, t.account_id, t.subject, t.status, t.owner_id,
        t.responsible_id, t.escalation_level, t.priority, a.grade,
        to_char((t.opened_at at time zone ${tz})::date, 'YYYY-MM-DD') as opened_on,
        to_char(t.escalated_on, 'YYYY-MM-DD') as escalated_on,
        (select to_char(min(r.due_date), 'YYYY-MM-DD') from due_renewal r
          where r.tenant_id = t.tenant_id and r.account_id = t.account_id and r.deleted_at is null
            and r.status in ('upcoming', 'overdue')) as renewal_due
      from traffic_light t join account a on a.tenant_id = t.tenant_id and a.id = t.account_id
      where t.tenant_id = ${tx.tenantId} and t.deleted_at is null
        and t.status in ('open', 'meeting_scheduled', 'action_plan')
      order by t.opened_at, t.id
      for update of t`);
    const director = await tx.one(sql<{ id: string }>`select u.id from app_user u
      join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
      where u.tenant_id = ${tx.tenantId} and u.status = 'active' and r.key = 'cs_director'
      order by u.created_at, u.id limit 1`);
    const admin = await tx.one(sql<{ id: string }>`select u.id from app_user u
      join role r on r.tenant_id = u.tenant_id and r.id = u.role_id
      where u.tenant_id = ${tx.tenantId} and u.status = 'active' and r.is_admin
      order by u.created_at, u.id limit 1`);
    const audits: AuditEntry[] = [];
    const events: DomainEvent[] = [];
    const byCause = { age: 0, renewal: 0 };
    let notified = 0;
    for (const l of rows) {
      const cause = escalationDue(escalation, {
        status: l.status,
        level: l.escalation_level,
        grade: l.grade,
        openedOn: l.opened_on,
        escalatedOn: l.escalated_on,
        renewalDue: l.renewal_due,
        asOf,
      });
      if (!cause) continue;
      byCause[cause] += 1;
      const manager = await managerOf(tx, l.responsible_id, ['cs_director', 'sales_manager']);
      const to = escalateTo(l.responsible_id, {
        manager,
        csDirector: director?.id ?? null,
        admin: admin?.id ?? null,
      });
      const level = l.escalation_level + 1;
      const priority = nextPriority(l.priority);
      await tx.exec0(sql`update traffic_light set escalation_level = ${level}, priority = ${priority},
          responsible_id = ${to}, escalated_at = now(), escalated_on = ${asOf}::date,
          version = version + 1, updated_at = now(), updated_by = null
        where tenant_id = ${tx.tenantId} and id = ${l.id}`);
      const changes: Record<string, [unknown, unknown]> = {
        escalation_level: [l.escalation_level, level],
        ...(priority !== l.priority ? { priority: [l.priority, priority] } : {}),
        ...(to !== l.responsible_id ? { responsible_id: [l.responsible_id, to] } : {}),
      };
      audits.push({
        action: 'update',
        object: 'traffic_light',
        recordId: l.id,
        changes,
        meta: { source: 'success.lights', as_of: asOf, cause },
      });
      events.push({
        type: 'traffic_light.escalated',
        object: 'traffic_light',
        recordId: l.id,
        payload: {
          id: l.id,
          account_id: l.account_id,
          level,
          priority,
          responsible_id: to,
          cause,
          as_of: asOf,
        },
      });
      notified += await notifyLight(
        tx,
        l.id,
        l.subject,
        null,
        [
          { userId: to, kind: 'escalated' },
          { userId: l.owner_id, kind: 'escalated' },
        ],
        null,
      );
    }
    await writeAudit(tx, SYSTEM, audits);
    await emitEvents(tx, null, events);
    return {
      as_of: asOf,
      unresolved: rows.length,
      escalated: audits.length,
      by_age: byCause.age,
      by_renewal: byCause.renewal,
      notified,
    };
  });
}

/** Daily at 08:00 (tenant time zone by the scheduler): escalates unresolved traffic lights. */
export const successLightsJob: JobDef = {
  name: 'success.lights',
  schedule: '0 8 * * *',
  description: {
    'zh-CN': '客户成功：按灯超时/临近续费升级',
    'en-US': 'Customer success: escalate traffic lights left unresolved or near a renewal',
  },
  run: ({ tdb, asOf }) => escalateLights(tdb, asOf),
};
