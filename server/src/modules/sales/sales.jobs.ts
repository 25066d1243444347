import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { ensurePipelines, loadPipelines } from './pipelines.service.ts';
import { loadSalesSettings } from './settings.ts';
import { renewalMismatch, type AlertKind } from './stage-gate.rules.ts';

interface Candidate {
  id: string;
  name: string;
  owner_id: string | null;
  kind: AlertKind;
}

const TITLES: Record<AlertKind, (n: number) => string> = {
  stage_overdue: (n) => `${n} 个商机在当前阶段停留超时`,
  no_follow_up: (n) => `${n} 个商机长时间未跟进`,
  close_date_passed: (n) => `${n} 个商机已过预计成交日期仍未关闭`,
  renewal_mismatch: (n) => `${n} 个续费商机的阶段与订阅到期日不符`,
};

/**
 * Opportunity alerts (DOMAIN.md §3), as of a date in the tenant's time zone: stage dwell over the
 * stage's max_days, no follow-up for N days, expected close date passed while open, renewal deals
 * whose stage does not fit renewal_due_on. Each new (deal, kind) of the day is remembered in
 * opportunity_alert, so a second run the same day sends nothing; owners get one notification per
 * kind, and every alert is an `opportunity.alert` outbox event.
 */
export const salesAlertsJob: JobDef = {
  name: 'sales.alerts',
  schedule: '0 9 * * *',
  description: {
    'zh-CN': '商机预警：阶段停留超时、未跟进、过预计成交日、续费阶段不符',
    'en-US': 'Opportunity alerts: stage dwell, no follow-up, close date passed, renewal stage',
  },
  async run({ tenantId, asOf, tdb }) {
    return tdb.transaction(async (tx) => {
      await ensurePipelines(tx);
      const s = await loadSalesSettings(tx);
      const tz = await tenantTimeZone(tx);
      // end of the as-of day in the tenant's zone
      const moment = sql`((${asOf}::date + 1)::timestamp at time zone ${tz})`;
      const open = sql`o.tenant_id = ${tenantId} and o.deleted_at is null and st.type = 'active'`;
      const join = sql`join sales_stage st on st.tenant_id = o.tenant_id and st.pipeline_id = o.pipeline_id and st.key = o.stage`;
      const simple = await tx.query(sql<Candidate>`
        select o.id, o.name, o.owner_id, 'stage_overdue' as kind from opportunity o ${join}
          where ${open} and st.max_days is not null and o.stage_entered_at < ${moment} - make_interval(days => st.max_days)
        union all
        select o.id, o.name, o.owner_id, 'no_follow_up' from opportunity o ${join}
          where ${open} and coalesce(o.last_followed_at, o.created_at) < ${moment} - make_interval(days => ${s.noFollowUpDays}::int)
        union all
        select o.id, o.name, o.owner_id, 'close_date_passed' from opportunity o ${join}
          where ${open} and o.close_date < ${asOf}::date`);
      const renewals = await tx.query(sql<{
        id: string;
        name: string;
        owner_id: string | null;
        pipeline_id: string;
        stage: string;
        due: string;
      }>`select o.id, o.name, o.owner_id, o.pipeline_id, o.stage, o.renewal_due_on::text as due from opportunity o ${join}
          where ${open} and o.renewal_due_on is not null and o.renewal_due_on <= ${asOf}::date + 30`);
      const pipelines = await loadPipelines(tx);
      const firstStage = new Map(
        pipelines.map((p) => [p.id, p.stages.find((x) => x.type === 'active')?.key]),
      );
      const candidates: Candidate[] = [
        ...simple,
        ...renewals
          .filter((r) => renewalMismatch(r.due, asOf, firstStage.get(r.pipeline_id) === r.stage, true))
          .map((r) => ({ id: r.id, name: r.name, owner_id: r.owner_id, kind: 'renewal_mismatch' as const })),
      ];
      if (!candidates.length) return { as_of: asOf, alerts: 0, notifications: 0 };
      // only alerts not yet sent for this day
      const fresh = await tx.query(sql<{ opportunity_id: string; kind: AlertKind }>`
        insert into opportunity_alert (tenant_id, opportunity_id, kind, as_of, owner_id)
        select ${tenantId}, (c->>'id')::uuid, c->>'kind', ${asOf}::date, (c->>'owner_id')::uuid
        from jsonb_array_elements(${JSON.stringify(candidates)}::jsonb) c
        on conflict do nothing returning opportunity_id, kind`);
      const isFresh = new Set(fresh.map((f) => `${f.opportunity_id}:${f.kind}`));
      const sent = candidates.filter((c) => isFresh.has(`${c.id}:${c.kind}`));
      const byOwnerKind = new Map<string, { userId: string; kind: AlertKind; n: number }>();
      for (const c of sent) {
        if (!c.owner_id) continue;
        const k = `${c.owner_id}:${c.kind}`;
        const cur = byOwnerKind.get(k) ?? { userId: c.owner_id, kind: c.kind, n: 0 };
        cur.n += 1;
        byOwnerKind.set(k, cur);
      }
      await addNotifications(
        tx,
        [...byOwnerKind.values()].map((g) => ({
          userId: g.userId,
          kind: `opportunity.${g.kind}`,
          title: TITLES[g.kind](g.n),
          link: '/sales/board',
        })),
      );
      await emitEvents(
        tx,
        null,
        sent.map((c) => ({
          type: 'opportunity.alert',
          object: 'opportunity',
          recordId: c.id,
          payload: { id: c.id, name: c.name, owner_id: c.owner_id, kind: c.kind, as_of: asOf },
        })),
      );
      const counts: Record<string, number> = {};
      for (const c of sent) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
      return { as_of: asOf, alerts: sent.length, notifications: byOwnerKind.size, ...counts };
    });
  },
};
