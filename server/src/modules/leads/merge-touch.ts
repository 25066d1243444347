import { sql } from 'kysely';
import type { Actor } from '../../platform/access/permissions.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ImportMergeContext, ImportMergeResult, Rec } from '../../platform/metadata/types.ts';
import type { RecordsService } from '../../platform/records/records.service.ts';
import { normaliseCompany, normaliseEmail, normalisePhone } from '../accounts/index.ts';
import { findDuplicates, importingTx, type Probe } from './duplicates.service.ts';
import { attributionOf, scoreNow } from './pipeline.ts';
import { loadLeadSettings } from './settings.ts';

/** Fields the capture pipeline and pool operations own: inputs never set them directly. */
export const PIPELINE_FIELDS = new Set([
  'status',
  'score',
  'pool_id',
  'assigned_at',
  'first_followed_at',
  'last_followed_at',
  'recycle_count',
  'touch_count',
  'duplicate_of',
  'invalid_reason',
  'company_norm',
  'converted_account_id',
  'converted_contact_id',
  'converted_at',
]);

/** A tenant-wide actor for work no signed-in user does (public forms, jobs). */
export function systemActor(tenantId: string, timeZone = 'Asia/Shanghai', currency = 'CNY'): Actor {
  return {
    tenantId,
    userId: null,
    apiKeyId: null,
    roleId: '',
    roleKey: 'system',
    isAdmin: true,
    permissions: { objects: {}, fields: {} },
    departmentId: null,
    subtreeDepartmentIds: [],
    locale: 'zh-CN',
    timeZone,
    currency,
  };
}

export interface TouchContext {
  channel: string;
  campaignId?: string | null;
  formId?: string | null;
}

/**
 * A repeat submission becomes a touch of the lead it repeats: the lead's empty fields are filled
 * (nothing overwritten), the touch keeps its own attribution, the lead is re-scored. Runs as the
 * system: the person submitting (or importing) may not be allowed to see the lead they repeat.
 */
export async function mergeTouch(
  records: RecordsService,
  tx: TenantDb,
  actor: Actor,
  leadId: string,
  input: Rec,
  ctx: TouchContext,
  opts: { fromText?: boolean } = {},
): Promise<void> {
  const t = tx.tenantId;
  const system = systemActor(t, actor.timeZone, actor.currency);
  // read and lock inside the transaction: the fill and the re-score must see each other
  const existing =
    (await tx.one(sql<Rec>`select * from lead where tenant_id = ${t} and id = ${leadId} for update`)) ?? {};
  const fill: Rec = {};
  for (const [k, v] of Object.entries(input)) {
    if (v === null || v === undefined || v === '' || PIPELINE_FIELDS.has(k) || k === 'owner_id' || k === 'id')
      continue;
    if (existing[k] === null || existing[k] === undefined) fill[k] = v;
  }
  if (Object.keys(fill).length)
    await records.update(system, 'lead', leadId, fill, { tx, fromText: opts.fromText === true });
  await tx.exec0(sql`insert into lead_touch (tenant_id, id, lead_id, channel, campaign_id, form_id, attribution, submitted)
    values (${t}, ${newId()}, ${leadId}, ${ctx.channel}, ${ctx.campaignId ?? null}, ${ctx.formId ?? null}, ${JSON.stringify(attributionOf(input))}::jsonb, ${JSON.stringify(input)}::jsonb)`);
  const lead = (await tx.one(sql<Rec>`select * from lead where tenant_id = ${t} and id = ${leadId}`)) ?? {};
  const s = await loadLeadSettings(tx);
  const score = (await scoreNow(tx, lead, leadId, s.scoring, actor.timeZone)).score;
  await tx.exec0(
    sql`update lead set touch_count = coalesce(touch_count, 0) + 1, score = ${score}, updated_at = now(), version = version + 1 where tenant_id = ${t} and id = ${leadId}`,
  );
  await emitEvents(tx, actor.userId, [
    {
      type: 'lead.touched',
      object: 'lead',
      recordId: leadId,
      payload: { id: leadId, channel: ctx.channel, attribution: attributionOf(input) },
    },
  ]);
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** The probe of one import row (cells are text), normalised as capture does. */
export function probeOf(row: Rec, withCompany: boolean): Probe {
  const mobile = text(row.mobile);
  const email = text(row.email);
  const company = withCompany ? text(row.company) : null;
  return {
    mobile: mobile ? (normalisePhone(mobile) ?? null) : null,
    email: email ? normaliseEmail(email) : null,
    companyNorm: company ? normaliseCompany(company) : null,
  };
}

/**
 * Import rows that repeat an existing lead (by the tenant's merge rules) become touches of it,
 * like a repeat form submission; rows repeating an earlier row of the same batch wait until that
 * one exists. Rows matching only review rules are created and flagged for review (like capture);
 * rows matching accounts or contacts are created as usual.
 */
export async function importMergeLeads(ctx: ImportMergeContext, rows: Rec[]): Promise<ImportMergeResult> {
  const result: ImportMergeResult = { merged: [], deferred: [], failed: new Map() };
  // the rows this chunk creates next are checked against the review rules (pipeline afterCreateMany)
  importingTx.add(ctx.tx);
  const s = await loadLeadSettings(ctx.tx);
  const rules = s.duplicateRules.filter((r) => r.onCapture === 'merge');
  if (!rules.length) return result;
  const withCompany = rules.some((r) => r.fields.some((f) => f.field === 'company'));
  const probes = rows.map((r) => probeOf(r, withCompany));
  // Exact-only rules (the default): one query tells which rows can hit at all, so a 1,000-row
  // chunk of new people costs one round trip instead of 1,000.
  let candidates = new Set(probes.keys());
  if (!withCompany) {
    const mobiles = [...new Set(probes.flatMap((p) => (p.mobile ? [p.mobile] : [])))];
    const emails = [...new Set(probes.flatMap((p) => (p.email ? [p.email] : [])))];
    const found = await ctx.tx.query(sql<{ mobile: string | null; email: string | null }>`
      select mobile, email from lead where tenant_id = ${ctx.tx.tenantId} and deleted_at is null
        and (mobile = any(${mobiles}::text[]) or email = any(${emails}::text[]))`);
    const known = new Set(found.flatMap((f) => [f.mobile, f.email].filter((v): v is string => v !== null)));
    candidates = new Set(
      [...probes.keys()].filter((i) => {
        const p = probes[i];
        return (p?.mobile && known.has(p.mobile)) || (p?.email && known.has(p.email));
      }),
    );
  }
  const rulesOnly = { ...s, duplicateRules: rules };
  // keys of earlier rows of this batch that will be created: a later row repeating one waits
  const pendingKeys = new Set<string>();
  const keysOf = (p: Probe): string[] =>
    [p.mobile && `m:${p.mobile}`, p.email && `e:${p.email}`, p.companyNorm && `c:${p.companyNorm}`].filter(
      (k): k is string => typeof k === 'string' && k.length > 2,
    );
  for (const [i, row] of rows.entries()) {
    const probe = probes[i] ?? {};
    const keys = keysOf(probe);
    let hit: string | undefined;
    if (candidates.has(i)) {
      const hits = await findDuplicates(ctx.tx, probe, rulesOnly);
      hit = hits.find((h) => h.object === 'lead' && h.onCapture === 'merge')?.id;
    }
    if (!hit) {
      if (keys.some((k) => pendingKeys.has(k))) result.deferred.push(i);
      for (const k of keys) pendingKeys.add(k);
      continue;
    }
    try {
      const channel = text(row.source) ?? 'import';
      await mergeTouch(ctx.records, ctx.tx, ctx.actor, hit, row, { channel }, { fromText: true });
      result.merged.push(i);
    } catch (e) {
      if (!(e instanceof AppError) || !e.details.length) throw e;
      result.failed.set(i, e.details);
    }
  }
  return result;
}
