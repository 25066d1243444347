/**
 * Sales benchmarks (issue 5): the pipeline board (kanban) and the forecast over a tenant with
 * 200,000 accounts, 100,000 opportunities and 2,000,000 activities — each beside the same
 * answer computed with hand-written SQL over `pg` in the same run.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 } from 'uuid';
import type { Platform } from '../server/src/platform/platform.ts';
import { TenantDb } from '../server/src/platform/db/tenant-db.ts';
import { createTenant } from '../server/src/platform/identity/tenants.service.ts';
import { loadActor } from '../server/src/platform/identity/actor.ts';
import { standardObjects } from '../server/src/modules/index.ts';
import { normaliseCompany } from '../server/src/modules/accounts/index.ts';
import { OpportunitiesService } from '../server/src/modules/sales/opportunities.service.ts';
import { ensurePipelines, loadPipelines } from '../server/src/modules/sales/pipelines.service.ts';
import { getForecast, loadStageRates } from '../server/src/modules/sales/forecast.service.ts';
import { company, personName, pick, seededRng, type Rng } from '../server/src/demo/generator.ts';
import { compare, latencyRow, type Row } from './lib.ts';

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' ');
const DAY = 86_400_000;
const ACTIVITY_TYPES = ['call', 'call', 'visit', 'meeting', 'email', 'wechat', 'wechat', 'demo', 'note'];

/** Streams generated tab-separated lines into COPY in batches of 5,000. */
async function copyRows(
  raw: pg.Client,
  statement: string,
  count: number,
  line: (i: number) => string | string[],
): Promise<void> {
  function* chunks(): Generator<string> {
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      const l = line(i);
      if (Array.isArray(l)) batch.push(...l);
      else batch.push(l);
      if (batch.length >= 5000) {
        yield `${batch.join('\n')}\n`;
        batch = [];
      }
    }
    if (batch.length) yield `${batch.join('\n')}\n`;
  }
  await pipeline(Readable.from(chunks()), raw.query(copyFrom(statement)));
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ymd = (ms: number): string => iso(ms).slice(0, 10);

export async function benchSales(
  p: Platform,
  raw: pg.Client,
  o: {
    accounts: number;
    opportunities: number;
    activities: number;
    iterations: number;
    log: (m: string) => void;
  },
): Promise<Row[]> {
  const rows: Row[] = [];
  const rng: Rng = seededRng(5151);
  const t = await createTenant(
    p.db,
    {
      slug: 'sales-bench',
      name: 'Sales bench',
      adminEmail: 'admin@sales.bench',
      adminPassword: 'Bench-Password-2026',
    },
    standardObjects(),
  );
  const tenantId = t.tenantId;
  const admin = await loadActor(p.db, tenantId, { userId: t.adminUserId });
  if (!admin) throw new Error('no admin actor');
  // 4 departments × 5 reps: the board and the forecast of one rep read their own slice
  const reps: string[] = [];
  for (let d = 0; d < 4; d++) {
    const dept = await p.users.createDepartment(admin, { name: `销售${d + 1}部` });
    for (let r = 0; r < 5; r++) {
      const u = await p.users.createUser(admin, {
        email: `rep${d}${r}@sales.bench`,
        name: personName(rng),
        password: 'Bench-Password-2026',
        role: 'sales_rep',
        department_id: dept.id,
      });
      reps.push(u.id);
    }
  }
  const rep = await loadActor(p.db, tenantId, { userId: reps[0] ?? '' });
  if (!rep) throw new Error('no rep actor');
  const tdb = TenantDb.for(p.db, tenantId);
  await tdb.transaction((tx) => ensurePipelines(tx));
  p.registry.invalidate(tenantId);
  const pipelines = await loadPipelines(tdb);
  const now = Date.now();
  const t0 = Date.now();

  // accounts
  const accountIds: string[] = [];
  await copyRows(
    raw,
    'copy account (tenant_id, id, owner_id, created_by, name, name_norm, industry, province, city, type, state) from stdin',
    o.accounts,
    (i) => {
      const c = company(rng, 70_000_000 + i);
      const id = v7();
      accountIds.push(id);
      const owner = pick(rng, reps);
      return [
        tenantId,
        id,
        owner,
        owner,
        esc(c.name),
        esc(normaliseCompany(c.name)),
        c.industry,
        c.province,
        c.city,
        'prospect',
        'owned',
      ].join('\t');
    },
  );

  // opportunities (+ their stage history): 70 % new business, 20 % upsell, 10 % renewal
  const oppRows: Array<{ id: string; account: string; owner: string }> = [];
  let historyRows = 0;
  await copyRows(
    raw,
    'copy opportunity (tenant_id, id, owner_id, created_by, created_at, updated_at, name, account_id, pipeline_id, stage, amount, amount_currency, close_date, probability, forecast_category, type, stage_entered_at, closed_at, close_reason) from stdin',
    o.opportunities,
    (i) => {
      const roll = rng();
      const pl = pipelines[roll < 0.7 ? 0 : roll < 0.9 ? 1 : 2] ?? pipelines[0];
      if (!pl) throw new Error('no pipelines');
      const active = pl.stages.filter((s) => s.type === 'active');
      const outcome = rng();
      const stage =
        outcome < 0.6
          ? pick(rng, active)
          : (pl.stages.find(
              (s) => s.type === (outcome < 0.8 ? 'won' : outcome < 0.95 ? 'lost' : 'invalid'),
            ) ?? pick(rng, active));
      const account = accountIds[Math.floor(rng() * accountIds.length)] ?? '';
      const owner = pick(rng, reps);
      const created = now - Math.floor(rng() * 400) * DAY;
      const closed = stage.type === 'active' ? null : Math.min(now, created + Math.floor(rng() * 120) * DAY);
      const entered = closed ?? Math.min(now, created + Math.floor(rng() * 60) * DAY);
      const id = v7();
      oppRows.push({ id, account, owner });
      historyRows += active.indexOf(stage) >= 0 ? active.indexOf(stage) + 1 : 2;
      return [
        tenantId,
        id,
        owner,
        owner,
        iso(created),
        iso(entered),
        `商机 ${i}`,
        account,
        pl.id,
        stage.key,
        String(Math.floor(10 + rng() * 490) * 100_000),
        'CNY',
        ymd(closed ?? now + Math.floor(rng() * 240 - 60) * DAY),
        String(stage.probability),
        stage.forecastCategory,
        pl.type,
        iso(entered),
        closed === null ? '\\N' : iso(closed),
        stage.type === 'lost' || stage.type === 'invalid'
          ? pick(rng, ['价格过高', '选择了竞争对手', '预算取消'])
          : '\\N',
      ].join('\t');
    },
  );
  // stage history: each deal walked the active stages up to where it is (closed ones: first
  // active stage, then the closing stage) — what the stage-conversion forecast reads
  const stageOf = await raw.query<{
    id: string;
    pipeline_id: string;
    stage: string;
    created_at: Date;
    closed_at: Date | null;
  }>('select id, pipeline_id, stage, created_at, closed_at from opportunity where tenant_id = $1', [
    tenantId,
  ]);
  const byId = new Map(pipelines.map((x) => [x.id, x]));
  await copyRows(
    raw,
    'copy opportunity_stage_history (tenant_id, id, opportunity_id, pipeline_id, stage, entered_at, left_at) from stdin',
    stageOf.rows.length,
    (i) => {
      const r = stageOf.rows[i];
      const pl = r ? byId.get(r.pipeline_id) : undefined;
      if (!r || !pl) return [];
      const active = pl.stages.filter((s) => s.type === 'active');
      const at = active.findIndex((s) => s.key === r.stage);
      const path = at >= 0 ? active.slice(0, at + 1).map((s) => s.key) : [active[0]?.key ?? '', r.stage];
      const start = r.created_at.getTime();
      const end = (r.closed_at ?? new Date(now)).getTime();
      const step = (end - start) / path.length;
      return path.map((stage, k) =>
        [
          tenantId,
          v7(),
          r.id,
          r.pipeline_id,
          stage,
          iso(start + step * k),
          k === path.length - 1 ? (r.closed_at ? iso(end) : '\\N') : iso(start + step * (k + 1)),
        ].join('\t'),
      );
    },
  );

  // activities: about accounts, half of them also about one of the account's deals
  await copyRows(
    raw,
    'copy activity (tenant_id, id, owner_id, created_by, created_at, updated_at, subject, type, occurred_at, account_id, opportunity_id) from stdin',
    o.activities,
    () => {
      const opp = oppRows[Math.floor(rng() * oppRows.length)];
      const withDeal = opp !== undefined && rng() < 0.5;
      const account = withDeal ? opp.account : (accountIds[Math.floor(rng() * accountIds.length)] ?? '');
      const owner = withDeal ? opp.owner : pick(rng, reps);
      const at = iso(now - Math.floor(rng() * 365 * DAY));
      const type = pick(rng, ACTIVITY_TYPES);
      return [
        tenantId,
        v7(),
        owner,
        owner,
        at,
        at,
        `跟进 ${type}`,
        type,
        at,
        account,
        withDeal ? opp.id : '\\N',
      ].join('\t');
    },
  );
  await raw.query(
    'analyze account; analyze opportunity; analyze opportunity_stage_history; analyze activity',
  );
  o.log(
    `sales tenant: ${o.accounts.toLocaleString()} accounts, ${o.opportunities.toLocaleString()} opportunities (${historyRows.toLocaleString()} stage stays), ${o.activities.toLocaleString()} activities in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const opps = new OpportunitiesService(p);
  const main = pipelines.find((x) => x.isDefault) ?? pipelines[0];
  if (!main) throw new Error('no default pipeline');
  const stageKeys = main.stages.map((s) => s.key);

  // The bare way: per-stage totals, then the first 20 cards of each stage by an index-ordered
  // lateral scan, with account and owner names.
  const rawKanban = (owner: string | null) =>
    Promise.all([
      raw.query(
        `select stage, amount_currency, count(*), sum(amount), round(sum(amount * probability / 100))
         from opportunity where tenant_id = $1 and deleted_at is null and pipeline_id = $2 and ($3::uuid is null or owner_id = $3)
         group by 1, 2`,
        [tenantId, main.id, owner],
      ),
      raw.query(
        `select c.*, a.name as account_name, u.name as owner_name
         from unnest($3::text[]) s(stage)
         cross join lateral (select o.id, o.name, o.account_id, o.owner_id, o.amount, o.amount_currency, o.close_date, o.stage, o.stage_entered_at
           from opportunity o where o.tenant_id = $1 and o.pipeline_id = $2 and o.stage = s.stage and o.deleted_at is null
             and ($4::uuid is null or o.owner_id = $4)
           order by o.updated_at desc, o.id desc limit 20) c
         left join account a on a.tenant_id = $1 and a.id = c.account_id
         left join app_user u on u.tenant_id = $1 and u.id = c.owner_id`,
        [tenantId, main.id, stageKeys, owner],
      ),
    ]);

  const [fwBoard, rawBoard] = await compare(
    () => opps.kanban(admin, { pipeline_id: main.id, limit: 20 }),
    () => rawKanban(null),
    o.iterations,
  );
  rows.push(
    latencyRow(
      `pipeline board, ${o.opportunities.toLocaleString()} deals, everyone's (manager view)`,
      fwBoard,
      rawBoard,
      'columns with count/amount/weighted + 20 cards per stage with account and owner names',
    ),
  );
  const [fwRepBoard, rawRepBoard] = await compare(
    () => opps.kanban(rep, { pipeline_id: main.id, limit: 20 }),
    () => rawKanban(rep.userId),
    o.iterations,
  );
  rows.push(
    latencyRow(
      'pipeline board, one rep (own-records scope)',
      fwRepBoard,
      rawRepBoard,
      'Flywheel applies the record scope; raw filters by owner',
    ),
  );

  // Forecast of the current quarter: Flywheel computes categories, weighted and stage-conversion
  // per rep with adjustments; the bare way sums amounts per owner and forecast category.
  const today = ymd(now);
  const q0 = new Date(
    Date.UTC(Number(today.slice(0, 4)), Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3, 1),
  );
  const qStart = ymd(q0.getTime());
  const qEnd = ymd(Date.UTC(q0.getUTCFullYear(), q0.getUTCMonth() + 3, 1));
  const [fwForecast, rawForecast] = await compare(
    () => getForecast(p.db, admin, { period: 'quarter', months: 6 }),
    () =>
      raw.query(
        `select o.owner_id, coalesce(o.forecast_category, s.forecast_category) as category, count(*), sum(o.amount),
                round(sum(o.amount * o.probability / 100))
         from opportunity o join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
         where o.tenant_id = $1 and o.deleted_at is null
           and ((s.type = 'active' and o.close_date >= $2 and o.close_date < $3)
             or (s.type = 'won' and (o.closed_at at time zone 'Asia/Shanghai')::date >= $2 and (o.closed_at at time zone 'Asia/Shanghai')::date < $3))
         group by 1, 2`,
        [tenantId, qStart, qEnd],
      ),
    Math.max(10, Math.floor(o.iterations / 2)),
  );
  rows.push(
    latencyRow(
      `forecast, current quarter, ${o.opportunities.toLocaleString()} deals`,
      fwForecast,
      rawForecast,
      'Flywheel: categories, weighted, stage-conversion, per rep, adjustments (stage rates shared ≤ 60 s, next row); raw: sums per owner × category',
    ),
  );
  // The stage-to-won rates themselves (what a forecast pays once a minute, and every submission)
  const sixMonthsAgo = ymd(now - 182 * DAY);
  const [fwRates, rawRates] = await compare(
    () => loadStageRates(tdb, today, 6, 'Asia/Shanghai'),
    () =>
      raw.query(
        `select h.pipeline_id, h.stage, count(distinct h.opportunity_id) filter (where s.type = 'won') as won,
                count(distinct h.opportunity_id) filter (where s.type = 'lost') as lost
         from opportunity_stage_history h join opportunity o on o.tenant_id = h.tenant_id and o.id = h.opportunity_id
         join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
         where h.tenant_id = $1 and h.entered_at >= $2 group by 1, 2`,
        [tenantId, sixMonthsAgo],
      ),
    Math.max(5, Math.floor(o.iterations / 4)),
  );
  rows.push(
    latencyRow(
      `stage-to-won rates over 6 months of stage history (${historyRows.toLocaleString()} stays)`,
      fwRates,
      rawRates,
      'distinct deals per stage and outcome; raw: the same counts in one statement',
    ),
  );
  return rows;
}
