import { sql } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { AppError, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { HookContext, ObjectHooks, Rec } from '../../platform/metadata/types.ts';
import { ensurePipelines, loadPipelines } from './pipelines.service.ts';
import { loadSalesSettings } from './settings.ts';
import {
  evaluateGate,
  firstCreateStage,
  isClosed,
  pipelineForType,
  stageDefaults,
  stageOf,
  type Pipeline,
} from './stage-gate.rules.ts';
import type { StageDef } from './pipelines.defaults.ts';

/** Activity types logged on an opportunity (live rows of the activities module's table). */
export async function activityTypesOf(tx: TenantDb, opportunityId: string): Promise<Set<string>> {
  const rows = await tx.query(sql<{ type: string }>`select distinct type from activity
    where tenant_id = ${tx.tenantId} and opportunity_id = ${opportunityId} and deleted_at is null`);
  return new Set(rows.map((r) => r.type));
}

/**
 * Open opportunities on the account with the same type — and, when product names are given, only
 * those whose lines share a product (or that have no lines yet: they may become anything).
 */
export async function openDuplicates(
  tx: TenantDb,
  q: { accountId: string; type: string; products?: string[]; excludeId?: string },
): Promise<Array<{ id: string; name: string; owner_id: string | null; stage: string }>> {
  const products = q.products?.filter(Boolean) ?? [];
  return tx.query(sql<{ id: string; name: string; owner_id: string | null; stage: string }>`
    select o.id, o.name, o.owner_id, o.stage from opportunity o
      join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
    where o.tenant_id = ${tx.tenantId} and o.account_id = ${q.accountId} and coalesce(o.type, 'new') = ${q.type}
      and o.deleted_at is null and s.type = 'active' ${q.excludeId ? sql`and o.id <> ${q.excludeId}` : sql``}
      ${
        products.length
          ? sql`and (not exists (select 1 from opportunity_line l where l.tenant_id = o.tenant_id and l.opportunity_id = o.id)
                 or exists (select 1 from opportunity_line l where l.tenant_id = o.tenant_id and l.opportunity_id = o.id
                              and lower(l.product) = any(${products.map((p) => p.toLowerCase())}::text[])))`
          : sql``
      }
    order by o.created_at limit 20`);
}

/** What beforeWrite decided about a stage move, for afterWrite (same write, same HookContext). */
interface Move {
  bypassed: boolean;
  missing: FieldIssue[];
  to: StageDef;
}
const moves = new WeakMap<HookContext, Map<string, Move>>();
const remember = (hc: HookContext, id: string, m: Move): void => {
  const map = moves.get(hc) ?? new Map<string, Move>();
  map.set(id, m);
  moves.set(hc, map);
};

const nowIso = (): string => new Date().toISOString();

async function pipelinesOf(hc: HookContext): Promise<Pipeline[]> {
  await ensurePipelines(hc.tx);
  return loadPipelines(hc.tx);
}

function reasonIssue(
  to: StageDef,
  rec: Rec,
  reasons: { lost: string[]; invalid: string[] },
): FieldIssue | null {
  if (to.type !== 'lost' && to.type !== 'invalid') return null;
  const r = rec.close_reason;
  if (r === null || r === undefined || r === '') return null;
  const list = to.type === 'lost' ? reasons.lost : reasons.invalid;
  return list.includes(String(r))
    ? null
    : { field: 'close_reason', issue: 'invalid_option', params: { value: String(r) } };
}

async function beforeCreate(hc: HookContext, after: Rec): Promise<void> {
  const pipelines = await pipelinesOf(hc);
  const given = after.pipeline_id;
  const p =
    given !== null && given !== undefined
      ? pipelines.find((x) => x.id === given)
      : pipelineForType(pipelines, after.type);
  if (!p)
    throw invalid([{ field: 'pipeline_id', issue: 'invalid_option', params: { value: String(given) } }]);
  after.pipeline_id = p.id;
  const key = after.stage ?? firstCreateStage(p)?.key;
  const to = stageOf(p, key);
  if (!to) throw invalid([{ field: 'stage', issue: 'invalid_option', params: { value: String(key) } }]);
  // a deal is born in an entry stage; the system (migrations, workflows) may place it anywhere
  if ((to.type !== 'active' || !to.allowCreate) && !hc.isSystem)
    throw invalid([{ field: 'stage', issue: 'create_not_allowed', params: { value: to.key } }]);
  after.stage = to.key;
  const d = stageDefaults(
    true,
    to,
    { probability: after.probability, forecastCategory: after.forecast_category },
    { probability: null, forecastCategory: null },
  );
  after.probability = d.probability;
  after.forecast_category = d.forecastCategory;
  after.stage_entered_at = nowIso();
  after.closed_at = isClosed(to) ? nowIso() : null;
  const settings = await loadSalesSettings(hc.tx);
  if (settings.duplicatePolicy === 'block' && !hc.isSystem && typeof after.account_id === 'string') {
    const dups = await openDuplicates(hc.tx, {
      accountId: after.account_id,
      type: String(after.type ?? 'new'),
    });
    if (dups.length)
      throw new AppError('validation_failed', 'duplicate_opportunity', [
        { field: 'account_id', issue: 'not_unique' },
      ]);
  }
  remember(hc, String(after.id), { bypassed: false, missing: [], to });
}

async function beforeUpdate(hc: HookContext, before: Rec, after: Rec): Promise<void> {
  const pipelines = await pipelinesOf(hc);
  const p = pipelines.find((x) => x.id === after.pipeline_id);
  if (!p)
    throw invalid([
      { field: 'pipeline_id', issue: 'invalid_option', params: { value: String(after.pipeline_id) } },
    ]);
  const to = stageOf(p, after.stage);
  if (!to)
    throw invalid([{ field: 'stage', issue: 'invalid_option', params: { value: String(after.stage) } }]);
  const settings = await loadSalesSettings(hc.tx);
  const reasons = { lost: settings.lostReasons, invalid: settings.invalidReasons };
  const pipelineChanged = before.pipeline_id !== after.pipeline_id;
  const stageChanged = pipelineChanged || before.stage !== after.stage;
  if (!stageChanged) {
    if (before.close_reason !== after.close_reason) {
      const bad = reasonIssue(to, after, reasons);
      if (bad) throw invalid([bad]);
    }
    return;
  }
  const fromPipeline = pipelines.find((x) => x.id === before.pipeline_id) ?? p;
  const from = stageOf(fromPipeline, before.stage) ?? to;
  const setByWrite = (k: string): unknown => (before[k] !== after[k] ? after[k] : undefined);
  const d = stageDefaults(
    true,
    to,
    { probability: setByWrite('probability'), forecastCategory: setByWrite('forecast_category') },
    { probability: before.probability, forecastCategory: before.forecast_category },
  );
  after.probability = d.probability;
  after.forecast_category = d.forecastCategory;
  after.stage_entered_at = nowIso();

  if (isClosed(from)) {
    // leaving a closed stage is a restore: only into an active stage, close fields cleared
    if (isClosed(to)) throw invalid([{ field: 'stage', issue: 'reopen_first' }]);
    after.closed_at = null;
    after.close_reason = null;
    after.close_note = null;
    remember(hc, String(after.id), { bypassed: false, missing: [], to });
    return;
  }
  const bad = reasonIssue(to, after, reasons);
  if (bad) throw invalid([bad]);
  const needsActivities = from.requiredActivities.length > 0 && from.key !== to.key;
  const gate = evaluateGate({
    pipeline: p,
    from,
    to,
    record: after,
    activityTypes: needsActivities ? await activityTypesOf(hc.tx, String(after.id)) : new Set(),
  });
  // moving to another pipeline has no order to keep
  const missing = pipelineChanged ? gate.missing.filter((m) => m.field !== 'stage') : [...gate.missing];
  if ((to.type === 'lost' || to.type === 'invalid') && !missing.some((m) => m.field === 'close_reason'))
    if (after.close_reason === null || after.close_reason === undefined || after.close_reason === '')
      missing.push({ field: 'close_reason', issue: 'required' });
  if (missing.length && !hc.isSystem) throw new AppError('validation_failed', 'stage_gate_failed', missing);
  after.closed_at = isClosed(to) ? nowIso() : null;
  remember(hc, String(after.id), { bypassed: missing.length > 0, missing, to });
}

async function markAccountWon(hc: HookContext, accountId: string, opportunityId: string): Promise<void> {
  const tx = hc.tx;
  const acc = await tx.one(sql<{ type: string | null; state: string | null; won_at: Date | null }>`
    select type, state, won_at from account where tenant_id = ${tx.tenantId} and id = ${accountId} for update`);
  if (!acc) return;
  if (acc.type === 'customer' && acc.state === 'won' && acc.won_at) return;
  const upd = await tx.one(sql<{
    won_at: Date;
  }>`update account set type = 'customer', state = 'won', won_at = coalesce(won_at, now()),
      updated_at = now(), version = version + 1 where tenant_id = ${tx.tenantId} and id = ${accountId} returning won_at`);
  const changes: Record<string, [unknown, unknown]> = {};
  if (acc.type !== 'customer') changes.type = [acc.type, 'customer'];
  if (acc.state !== 'won') changes.state = [acc.state, 'won'];
  if (!acc.won_at) changes.won_at = [null, upd?.won_at.toISOString() ?? null];
  await writeAudit(tx, hc.actor, [
    {
      action: 'update',
      object: 'account',
      recordId: accountId,
      changes,
      meta: { won_opportunity_id: opportunityId },
    },
  ]);
  await hc.emit('account.won', { id: accountId, opportunity_id: opportunityId });
}

async function afterWrite(
  hc: HookContext,
  change: { op: 'create' | 'update' | 'delete' | 'restore'; before?: Rec; after: Rec },
): Promise<void> {
  if (change.op !== 'create' && change.op !== 'update') return;
  const rec = change.after;
  const id = String(rec.id);
  const move = moves.get(hc)?.get(id);
  if (!move) return;
  moves.get(hc)?.delete(id);
  const tx = hc.tx;
  if (change.op === 'update')
    await tx.exec0(sql`update opportunity_stage_history set left_at = now(), left_by = ${hc.userId}
      where tenant_id = ${tx.tenantId} and opportunity_id = ${id} and left_at is null`);
  const amount =
    rec.amount !== null && typeof rec.amount === 'object' && 'amount' in rec.amount
      ? Number(rec.amount.amount)
      : null;
  await tx.exec0(sql`insert into opportunity_stage_history (tenant_id, id, opportunity_id, pipeline_id, stage, entered_at, entered_by, amount, bypassed)
    values (${tx.tenantId}, ${newId()}, ${id}, ${String(rec.pipeline_id)}, ${String(rec.stage)}, now(), ${hc.userId}, ${amount}, ${move.bypassed})`);
  if (move.bypassed)
    await writeAudit(tx, hc.actor, [
      {
        action: 'update',
        object: 'opportunity',
        recordId: id,
        changes: { stage: [change.before?.stage ?? null, rec.stage] },
        meta: { gating_bypassed: true, missing: move.missing.map((m) => m.field) },
      },
    ]);
  if (move.to.type === 'won' && typeof rec.account_id === 'string')
    await markAccountWon(hc, rec.account_id, id);
}

/** Defaults, gating, close fields, stage history and the won account (DOMAIN.md §3). */
export const opportunityHooks: ObjectHooks = {
  async beforeWrite(hc, change) {
    if (change.op === 'create') await beforeCreate(hc, change.after);
    else if (change.before) await beforeUpdate(hc, change.before, change.after);
  },
  afterWrite,
};
