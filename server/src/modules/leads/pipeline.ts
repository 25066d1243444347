import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'kysely';
import type { HookContext, ObjectHooks, Rec } from '../../platform/metadata/types.ts';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { newId } from '../../platform/db/ids.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { normaliseCompany, normaliseEmail, normalisePhone } from '../accounts/index.ts';
import { assignLead } from './assignment.service.ts';
import { findDuplicates, flagReviewDuplicates, importingTx } from './duplicates.service.ts';
import { scoreLead, type Behaviour, type ScoreResult, type ScoringSettings } from './scoring.rules.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { loadLeadSettings } from './settings.ts';

/** Set while the capture pipeline writes: it has already decided what duplicates mean. */
export const inCapture = new AsyncLocalStorage<true>();

/** Which assignment rule placed a lead being created (beforeWrite → afterWrite of one write). */
const assignedBy = new Map<string, string>();

/** Manual reassignments seen in beforeWrite, recorded as moves in afterWrite. */
const reassigned = new Map<string, { from: string | null }>();

/** Touch counts per behaviour for scoring (forms submitted, campaigns attended …). */
export async function behavioursOf(
  hc: Pick<HookContext, 'tx'>,
  leadId: string | undefined,
): Promise<Partial<Record<Behaviour, number>>> {
  if (!leadId) return {};
  const r = await hc.tx.one(sql<{ forms: number; attended: number; registered: number }>`
    select (select count(*) from lead_touch where tenant_id = ${hc.tx.tenantId} and lead_id = ${leadId} and channel = 'web_form')::int8 as forms,
           (select count(*) from campaign_member where tenant_id = ${hc.tx.tenantId} and lead_id = ${leadId} and status = 'attended' and deleted_at is null)::int8 as attended,
           (select count(*) from campaign_member where tenant_id = ${hc.tx.tenantId} and lead_id = ${leadId} and status in ('registered', 'attended') and deleted_at is null)::int8 as registered`);
  return {
    form_submitted: r?.forms ?? 0,
    campaign_attended: r?.attended ?? 0,
    campaign_registered: r?.registered ?? 0,
  };
}

const isoOrNull = (v: unknown): string | null =>
  v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : null;

/**
 * The lead's score as of today in the tenant's zone: rules, behaviours, and the monthly decay
 * counted from the last touch or follow-up. Every recompute goes through here, so an edit does
 * not undo the decay the nightly job applied.
 */
export async function scoreNow(
  tx: TenantDb,
  lead: Rec,
  leadId: string | undefined,
  s: ScoringSettings,
  timeZone: string,
  extra: Partial<Record<Behaviour, number>> = {},
): Promise<ScoreResult> {
  const behaviours = await behavioursOf({ tx }, leadId);
  for (const [k, v] of Object.entries(extra) as Array<[Behaviour, number]>)
    behaviours[k] = (behaviours[k] ?? 0) + v;
  const today = todayIn(timeZone);
  const last =
    leadId && s.monthlyDecayPercent > 0
      ? await tx.one(sql<{ on: string | null }>`
          select to_char(greatest((select max(at) from lead_touch where tenant_id = ${tx.tenantId} and lead_id = ${leadId}),
                                  ${isoOrNull(lead.last_followed_at)}::timestamptz, ${isoOrNull(lead.created_at)}::timestamptz) at time zone ${timeZone}, 'YYYY-MM-DD') as on`)
      : null;
  return scoreLead(lead, behaviours, s, today, last?.on ?? today);
}

// One map per engine batch (a fresh hook context each): leads handed out earlier in the batch
// are not in the table yet, but must count towards each person's load and daily cap.
const assigningBatches = new WeakMap<HookContext, Map<string, number>>();
function batchAssignments(hc: HookContext): Map<string, number> {
  let m = assigningBatches.get(hc);
  if (!m) {
    m = new Map();
    assigningBatches.set(hc, m);
  }
  return m;
}

/**
 * The one lead pipeline, on every entry path (form, API, import, manual): normalise, check
 * duplicates (block policy), attribute, score, assign. Runs inside the engine's write
 * transaction, so a lead and its assignment commit together.
 */
export const leadHooks: ObjectHooks = {
  async beforeWrite(hc, { op, before, after }) {
    for (const f of ['mobile', 'phone'] as const) {
      const v = after[f];
      if (typeof v === 'string' && v !== before?.[f]) {
        const n = normalisePhone(v);
        if (!n) throw invalid([{ field: f, issue: 'invalid_phone' }]);
        after[f] = n;
      }
    }
    if (typeof after.email === 'string') after.email = normaliseEmail(after.email);
    after.company_norm = typeof after.company === 'string' ? normaliseCompany(after.company) : null;
    const s = await loadLeadSettings(hc.tx);
    if (op === 'create') {
      after.source ??= hc.userId ? 'manual' : 'api';
      after.touch_count ??= 1;
      after.recycle_count ??= 0;
      if (s.manualDuplicatePolicy === 'block' && !inCapture.getStore()) {
        const hits = await findDuplicates(
          hc.tx,
          {
            mobile: after.mobile as string | null,
            email: after.email as string | null,
            companyNorm: after.company_norm as string | null,
          },
          s,
        );
        if (hits.length) {
          const fields = [...new Set(hits.flatMap((h) => h.matched))];
          throw new AppError(
            'conflict',
            'duplicate_lead',
            fields.map((f) => ({ field: f === 'company' ? 'company' : f, issue: 'not_unique' as const })),
          );
        }
      }
      if (!after.owner_id) {
        const a = await assignLead(
          hc.tx,
          after,
          s,
          (after.pool_id as string | null) ?? s.defaultPoolId,
          todayIn(hc.timeZone),
          hc.timeZone,
          batchAssignments(hc),
        );
        after.owner_id = a.owner_id;
        after.pool_id = a.pool_id;
        if (typeof after.id === 'string' && a.rule) assignedBy.set(after.id, a.rule);
      }
      after.status = after.owner_id ? 'pending' : 'unassigned';
      if (after.owner_id) after.assigned_at = new Date().toISOString();
    }
    if (op === 'update' && before && before.owner_id !== after.owner_id) {
      // A reassignment by hand (PATCH owner_id) keeps status and timers in step, like a pool move.
      if (after.owner_id) {
        if (after.status === 'unassigned') after.status = 'pending';
        after.assigned_at = new Date().toISOString();
      } else if (after.status === 'pending' || after.status === 'in_progress') {
        after.status = 'unassigned';
        after.assigned_at = null;
      }
      if (typeof after.id === 'string')
        reassigned.set(after.id, { from: (before.owner_id as string | null) ?? null });
    }
    // qualified_at is when the lead was first qualified: kept from MQL to SQL, cleared with the level
    if (!after.qualification) {
      after.qualification = null;
      after.qualified_at = null;
    } else if (!before?.qualification) after.qualified_at = new Date().toISOString();
    else after.qualified_at = before.qualified_at ?? new Date().toISOString();
    after.score = (
      await scoreNow(
        hc.tx,
        after,
        op === 'update' && typeof after.id === 'string' ? after.id : undefined,
        s.scoring,
        hc.timeZone,
        op === 'create' && after.source === 'web_form' ? { form_submitted: 1 } : {},
      )
    ).score;
  },
  async afterWrite(hc, { op, before, after }) {
    if (op !== 'update' || typeof after.id !== 'string') return;
    if (after.qualification && after.qualification !== before?.qualification)
      await recordQualified(hc, [after]);
    const moved = reassigned.get(after.id);
    if (!moved) return;
    reassigned.delete(after.id);
    await hc.tx
      .exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, from_owner, to_owner, from_pool, to_pool, reason)
      values (${hc.tx.tenantId}, ${newId()}, ${after.id}, 'reassigned', ${hc.userId}, ${moved.from}, ${(after.owner_id as string | null) ?? null}, ${(after.pool_id as string | null) ?? null}, ${(after.pool_id as string | null) ?? null}, 'edit')`);
  },
  async afterCreateMany(hc, created) {
    const t = hc.tx.tenantId;
    // imported rows resembling an existing lead go to the review queue, as captured ones do
    if (importingTx.has(hc.tx))
      await flagReviewDuplicates(
        hc.tx,
        created.map((c) => String(c.id)),
        await loadLeadSettings(hc.tx),
      );
    const touches = created.map((after) => ({
      tenant_id: t,
      id: newId(),
      lead_id: String(after.id),
      channel: String(after.source ?? 'manual'),
      campaign_id: (after.campaign_id as string | null) ?? null,
      attribution: attributionOf(after),
    }));
    await hc.tx.exec0(sql`insert into lead_touch (tenant_id, id, lead_id, channel, campaign_id, attribution)
      select tenant_id, id, lead_id, channel, campaign_id, attribution from jsonb_populate_recordset(null::lead_touch, ${JSON.stringify(touches)}::jsonb)`);
    await recordQualified(
      hc,
      created.filter((after) => after.qualification),
    );
    const assigned = created.filter((after) => after.owner_id);
    if (!assigned.length) return;
    const events = assigned.map((after) => {
      const id = String(after.id);
      const rule = assignedBy.get(id);
      assignedBy.delete(id);
      return {
        tenant_id: t,
        id: newId(),
        lead_id: id,
        kind: 'assigned',
        actor_user_id: hc.userId,
        to_owner: after.owner_id,
        to_pool: after.pool_id ?? null,
        reason: rule ? `rule:${rule}` : 'created',
      };
    });
    await hc.tx
      .exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, to_owner, to_pool, reason)
      select tenant_id, id, lead_id, kind, actor_user_id, to_owner, to_pool, reason from jsonb_populate_recordset(null::lead_event, ${JSON.stringify(events)}::jsonb)`);
    for (const after of assigned)
      // same payload shape as assignments by hand (LeadsService.move)
      await hc.emit('lead.assigned', {
        id: String(after.id),
        from_owner: null,
        to_owner: after.owner_id,
        pool_id: after.pool_id ?? null,
        reason: events.find((e) => e.lead_id === String(after.id))?.reason ?? null,
      });
  },
};

/** A `qualified` lead event (reason: the level) and a `lead.qualified` event per newly qualified lead. */
async function recordQualified(hc: HookContext, leads: Rec[]): Promise<void> {
  if (!leads.length) return;
  const events = leads.map((l) => ({
    tenant_id: hc.tx.tenantId,
    id: newId(),
    lead_id: String(l.id),
    kind: 'qualified',
    actor_user_id: hc.userId,
    reason: String(l.qualification),
  }));
  await hc.tx.exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, reason)
    select tenant_id, id, lead_id, kind, actor_user_id, reason from jsonb_populate_recordset(null::lead_event, ${JSON.stringify(events)}::jsonb)`);
  for (const l of leads)
    await hc.emit('lead.qualified', {
      id: String(l.id),
      qualification: l.qualification,
      qualified_at: isoOrNull(l.qualified_at),
    });
}

/** Where a lead came from, beyond source and campaign: kept on every touch and carried on conversion. */
export const ATTRIBUTION_FIELDS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'landing_page',
  'referrer',
] as const;

export function attributionOf(rec: Rec): Record<string, unknown> {
  return Object.fromEntries(
    ATTRIBUTION_FIELDS.filter((k) => rec[k] !== null && rec[k] !== undefined).map((k) => [k, rec[k]]),
  );
}

/** Campaign members carry the name of their lead or contact; attendance re-scores the lead. */
export const campaignMemberHooks: ObjectHooks = {
  async beforeWrite(hc, { after }) {
    const leadId = typeof after.lead_id === 'string' ? after.lead_id : null;
    const contactId = typeof after.contact_id === 'string' ? after.contact_id : null;
    if (!leadId && !contactId) throw invalid([{ field: 'lead_id', issue: 'required' }]);
    const r = leadId
      ? await hc.tx.one(
          sql<{ name: string }>`select name from lead where tenant_id = ${hc.tx.tenantId} and id = ${leadId}`,
        )
      : await hc.tx.one(
          sql<{
            name: string;
          }>`select name from contact where tenant_id = ${hc.tx.tenantId} and id = ${contactId}`,
        );
    after.name = r?.name ?? '—';
  },
  async afterWrite(hc, { after }) {
    const leadId = typeof after.lead_id === 'string' ? after.lead_id : null;
    if (!leadId) return;
    const lead = await hc.tx.one(
      sql<Rec>`select * from lead where tenant_id = ${hc.tx.tenantId} and id = ${leadId}`,
    );
    if (!lead) return;
    const s = await loadLeadSettings(hc.tx);
    const score = (await scoreNow(hc.tx, lead, leadId, s.scoring, hc.timeZone)).score;
    await hc.tx.exec0(
      sql`update lead set score = ${score} where tenant_id = ${hc.tx.tenantId} and id = ${leadId}`,
    );
  },
};
