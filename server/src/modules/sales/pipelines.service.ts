import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import type { Platform } from '../../platform/platform.ts';
import { DEFAULT_PIPELINES, type PipelineType, type StageDef } from './pipelines.defaults.ts';
import { validatePipelines, type Pipeline, type PipelineInput } from './stage-gate.rules.ts';

interface PipelineRow {
  id: string;
  name: Labels;
  type: PipelineType;
  is_default: boolean;
  no_skip: boolean;
  no_back: boolean;
  stages: Array<{
    key: string;
    name: Labels;
    type: StageDef['type'];
    probability: number;
    forecast_category: StageDef['forecastCategory'];
    max_days: number | null;
    required_fields: string[];
    required_activities: string[];
    allow_create: boolean;
  }>;
}

const perTransaction = new WeakMap<TenantDb, Promise<Pipeline[]>>();

/** The tenant's pipelines with their stages in order (the caller makes sure they exist). */
export async function loadPipelines(tx: TenantDb): Promise<Pipeline[]> {
  const load = async (): Promise<Pipeline[]> => {
    const rows = await tx.query(sql<PipelineRow>`
      select p.id, p.name, p.type, p.is_default, p.no_skip, p.no_back,
             coalesce(json_agg(json_build_object('key', s.key, 'name', s.name, 'type', s.type,
               'probability', s.probability, 'forecast_category', s.forecast_category, 'max_days', s.max_days,
               'required_fields', s.required_fields, 'required_activities', s.required_activities,
               'allow_create', s.allow_create) order by s.position) filter (where s.key is not null), '[]') as stages
      from sales_pipeline p left join sales_stage s on s.tenant_id = p.tenant_id and s.pipeline_id = p.id
      where p.tenant_id = ${tx.tenantId}
      group by p.tenant_id, p.id order by p.position, p.created_at, p.id`);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      isDefault: r.is_default,
      noSkip: r.no_skip,
      noBack: r.no_back,
      stages: r.stages.map((s) => ({
        key: s.key,
        name: s.name,
        type: s.type,
        probability: s.probability,
        forecastCategory: s.forecast_category,
        maxDays: s.max_days,
        requiredFields: s.required_fields,
        requiredActivities: s.required_activities,
        allowCreate: s.allow_create,
      })),
    }));
  };
  if (!tx.inTransaction) return load();
  let p = perTransaction.get(tx);
  if (!p) {
    p = load();
    perTransaction.set(tx, p);
  }
  return p;
}

async function lockPipelines(tx: TenantDb): Promise<void> {
  await tx.exec0(sql`select pg_advisory_xact_lock(hashtext(${`sales.pipelines:${tx.tenantId}`}))`);
}

async function insertPipeline(tx: TenantDb, id: string, position: number, p: PipelineInput): Promise<void> {
  await tx.exec0(sql`insert into sales_pipeline (tenant_id, id, name, type, position, is_default, no_skip, no_back)
    values (${tx.tenantId}, ${id}, ${JSON.stringify(p.name)}::jsonb, ${p.type}, ${position}, ${p.is_default}, ${p.no_skip}, ${p.no_back})`);
}

async function upsertStages(
  tx: TenantDb,
  pipelineId: string,
  stages: PipelineInput['stages'],
): Promise<void> {
  if (!stages.length) return;
  const rows = stages.map((s, i) => ({
    tenant_id: tx.tenantId,
    pipeline_id: pipelineId,
    key: s.key,
    name: s.name,
    position: i,
    type: s.type,
    probability: s.probability,
    forecast_category: s.forecast_category,
    max_days: s.max_days,
    required_fields: s.required_fields,
    required_activities: s.required_activities,
    allow_create: s.allow_create,
  }));
  await tx.exec0(sql`insert into sales_stage (tenant_id, pipeline_id, key, name, position, type, probability, forecast_category,
      max_days, required_fields, required_activities, allow_create)
    select tenant_id, pipeline_id, key, name, position, type, probability, forecast_category, max_days, required_fields,
      required_activities, allow_create
    from jsonb_populate_recordset(null::sales_stage, ${JSON.stringify(rows)}::jsonb)
    on conflict (tenant_id, pipeline_id, key) do update set name = excluded.name, position = excluded.position,
      type = excluded.type, probability = excluded.probability, forecast_category = excluded.forecast_category,
      max_days = excluded.max_days, required_fields = excluded.required_fields,
      required_activities = excluded.required_activities, allow_create = excluded.allow_create`);
}

/** API form of a pipeline (snake_case, like the PUT body). */
export function toInput(p: Pipeline): PipelineInput & { id: string } {
  return {
    id: p.id,
    name: p.name,
    type: p.type,
    is_default: p.isDefault,
    no_skip: p.noSkip,
    no_back: p.noBack,
    stages: p.stages.map((s) => ({
      key: s.key,
      name: s.name,
      type: s.type,
      probability: s.probability,
      forecast_category: s.forecastCategory,
      max_days: s.maxDays,
      required_fields: s.requiredFields,
      required_activities: s.requiredActivities,
      allow_create: s.allowCreate,
    })),
  };
}

/**
 * Inserts the default pipelines (DEFAULT_PIPELINES) the first time a tenant needs them —
 * idempotent under an advisory lock, so two first requests do not both insert. Returns whether
 * it inserted (the caller then invalidates the metadata registry: the options changed).
 */
export async function ensurePipelines(tx: TenantDb): Promise<boolean> {
  const has = async (): Promise<boolean> =>
    (
      await tx.one(
        sql<{ n: number }>`select count(*)::int8 as n from sales_pipeline where tenant_id = ${tx.tenantId}`,
      )
    )?.n !== 0;
  if (await has()) return false;
  await lockPipelines(tx);
  if (await has()) return false;
  let position = 0;
  for (const d of DEFAULT_PIPELINES) {
    const id = newId();
    const input = toInput({ ...d, id });
    await insertPipeline(tx, id, position++, input);
    await upsertStages(tx, id, input.stages);
  }
  perTransaction.delete(tx);
  return true;
}

const labels = z.strictObject({
  'zh-CN': z.string().trim().min(1).max(80),
  'en-US': z.string().trim().min(1).max(80),
});
export const pipelineInputSchema = z.strictObject({
  id: z.string().uuid().optional(),
  name: labels,
  type: z.enum(['new', 'upsell', 'renewal']),
  is_default: z.boolean(),
  no_skip: z.boolean(),
  no_back: z.boolean(),
  stages: z
    .array(
      z.strictObject({
        key: z.string().max(40),
        name: labels,
        type: z.enum(['active', 'won', 'lost', 'invalid']),
        probability: z.number().int().min(0).max(100),
        forecast_category: z.enum(['pipeline', 'best_case', 'commit', 'closed', 'omitted']),
        max_days: z.number().int().min(1).max(3650).nullable(),
        required_fields: z.array(z.string().max(64)).max(50),
        required_activities: z.array(z.string().max(64)).max(20),
        allow_create: z.boolean(),
      }),
    )
    .min(1)
    .max(30),
});
const bodySchema = z.strictObject({ pipelines: z.array(pipelineInputSchema).max(20) });

/** Pipelines and stages as settings: read by everyone, replaced as a whole list by admins. */
export class PipelinesService {
  constructor(private readonly p: Platform) {}

  private tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.p.db, tenantId);
  }

  /** Makes sure the defaults exist (and the registry shows them), then answers the list. */
  async list(actor: Actor): Promise<Array<PipelineInput & { id: string }>> {
    const inserted = await this.tdb(actor.tenantId).transaction((tx) => ensurePipelines(tx));
    if (inserted) this.p.registry.invalidate(actor.tenantId);
    const list = await loadPipelines(this.tdb(actor.tenantId));
    return list.map(toInput);
  }

  /** What required_fields / required_activities may name. */
  private async known(tenantId: string): Promise<{ fields: Set<string>; activityTypes: Set<string> }> {
    const objects = await this.p.registry.objects(tenantId);
    const opp = objects.get('opportunity');
    // activity types are read from the activity object's options: no import of the activities module
    const type = objects.get('activity')?.fields.find((f) => f.apiName === 'type');
    return {
      fields: new Set(
        (opp?.fields ?? []).filter((f) => !f.system || f.apiName === 'owner_id').map((f) => f.apiName),
      ),
      activityTypes: new Set((type?.options ?? []).map((o) => o.value)),
    };
  }

  /**
   * Replaces the whole pipeline list: pipelines with an `id` are updated, without one created,
   * missing ones removed; within a pipeline stages are matched by key (missing keys removed).
   * Removing a pipeline or stage that holds opportunities (deleted ones too: the recycle bin
   * keeps them) answers 409 stage_in_use naming it; nothing is written.
   */
  async save(actor: Actor, body: unknown): Promise<Array<PipelineInput & { id: string }>> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success)
      throw invalid(
        parsed.error.issues.slice(0, 20).map((i) => ({
          field:
            i.path
              .map((x) => (typeof x === 'number' ? `[${x}]` : `.${String(x)}`))
              .join('')
              .replace(/^\./, '') || 'pipelines',
          issue: 'invalid_value' as const,
        })),
      );
    const list = parsed.data.pipelines;
    const issues = validatePipelines(list, await this.known(actor.tenantId));
    if (issues.length) throw invalid(issues);
    const result = await this.tdb(actor.tenantId).transaction(async (tx) => {
      await ensurePipelines(tx);
      await lockPipelines(tx);
      perTransaction.delete(tx);
      const before = await loadPipelines(tx);
      const byId = new Map(before.map((p) => [p.id, p]));
      const unknown: FieldIssue[] = [];
      list.forEach((p, i) => {
        if (p.id !== undefined && !byId.has(p.id))
          unknown.push({ field: `pipelines[${i}].id`, issue: 'invalid_reference' });
      });
      if (unknown.length) throw invalid(unknown);
      const used = await tx.query(sql<{ pipeline_id: string; stage: string; n: number }>`
        select pipeline_id, stage, count(*)::int8 as n from opportunity where tenant_id = ${tx.tenantId} group by 1, 2`);
      const keep = new Set(list.map((p) => p.id).filter((x): x is string => x !== undefined));
      for (const old of before) {
        const next = list.findIndex((p) => p.id === old.id);
        const holding = used.filter((u) => u.pipeline_id === old.id);
        if (!keep.has(old.id) && holding.length)
          throw new AppError('conflict', 'stage_in_use', [{ field: `pipeline.${old.id}`, issue: 'in_use' }], {
            name: old.name[actor.locale],
          });
        const nextKeys = new Set(list[next]?.stages.map((s) => s.key) ?? []);
        for (const s of old.stages)
          if (next >= 0 && !nextKeys.has(s.key) && holding.some((u) => u.stage === s.key))
            throw new AppError(
              'conflict',
              'stage_in_use',
              [{ field: `pipelines[${next}].stages.${s.key}`, issue: 'in_use' }],
              {
                name: s.name[actor.locale],
              },
            );
      }
      for (const old of before)
        if (!keep.has(old.id))
          await tx.exec0(sql`delete from sales_pipeline where tenant_id = ${tx.tenantId} and id = ${old.id}`);
      for (const [position, p] of list.entries()) {
        if (p.id === undefined) {
          const id = newId();
          await insertPipeline(tx, id, position, p);
          await upsertStages(tx, id, p.stages);
          continue;
        }
        await tx.exec0(sql`update sales_pipeline set name = ${JSON.stringify(p.name)}::jsonb, type = ${p.type}, position = ${position},
            is_default = ${p.is_default}, no_skip = ${p.no_skip}, no_back = ${p.no_back}, updated_at = now()
          where tenant_id = ${tx.tenantId} and id = ${p.id}`);
        await tx.exec0(sql`delete from sales_stage where tenant_id = ${tx.tenantId} and pipeline_id = ${p.id}
          and not (key = any(${p.stages.map((s) => s.key)}::text[]))`);
        await upsertStages(tx, p.id, p.stages);
      }
      perTransaction.delete(tx);
      const after = (await loadPipelines(tx)).map(toInput);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'sales_pipeline',
          recordId: null,
          changes: { pipelines: [before.map(toInput), after] },
        },
      ]);
      return after;
    });
    this.p.registry.invalidate(actor.tenantId);
    return result;
  }
}
