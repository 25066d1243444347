// Opportunities (DOMAIN.md §3): pipelines as settings, defaults on create, stage gating with
// history, close reasons, restore, the won account, duplicates, related lists, kanban, alerts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { systemActor } from '../src/modules/leads/index.ts';
import { json, login, newTenant, testApp, userWithRole, type Client, type TestTenant } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
type Stage = Record<string, unknown> & {
  key: string;
  type: string;
  required_fields: string[];
  allow_create: boolean;
};
type Pipeline = Record<string, unknown> & {
  id: string;
  type: string;
  is_default: boolean;
  no_skip: boolean;
  no_back: boolean;
  stages: Stage[];
};

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let rep: Client;
let rep2: Client;
let manager: Client;
let repInDept: Client;
let accountId: string;

const OPP = '/api/v1/objects/opportunity';
const fields = (r: Awaited<ReturnType<Client['get']>>) => json<Err>(r).error.details.map((d) => d.field);

async function account(who: Client, name: string): Promise<string> {
  const r = await who.post('/api/v1/objects/account', { name });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data.id;
}
async function opp(who: Client, body: Record<string, unknown>): Promise<Rec> {
  const r = await who.post(OPP, { account_id: accountId, name: `Deal ${Math.random()}`, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return json<{ data: Rec }>(r).data;
}
const move = (who: Client, id: string, body: Record<string, unknown>) =>
  who.post(`/api/v1/sales/opportunities/${id}/stage`, body);
const pipelines = async (): Promise<Pipeline[]> =>
  json<{ data: Pipeline[] }>(await admin.get('/api/v1/sales/pipelines')).data;

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  rep = await userWithRole(admin, 'sales_rep');
  rep2 = await userWithRole(admin, 'sales_rep');
  const east = json<{ data: { id: string } }>(await admin.post('/api/v1/admin/departments', { name: '华东' }))
    .data.id;
  const sh = json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name: '上海', parent_id: east }),
  ).data.id;
  manager = await userWithRole(admin, 'sales_manager', east);
  repInDept = await userWithRole(admin, 'sales_rep', sh);
  accountId = await account(admin, '杭州云栈科技有限公司');
}, 60_000);
afterAll(async () => built?.close());

describe('pipelines and defaults', () => {
  it('creates the default pipelines on first use and puts a new deal in the entry stage', async () => {
    const list = await pipelines();
    expect(list.map((p) => p.type)).toEqual(['new', 'upsell', 'renewal']);
    expect(list.filter((p) => p.is_default)).toHaveLength(1);
    // a second read does not insert again
    expect(await pipelines()).toHaveLength(3);
    const o = await opp(rep, {});
    expect(o).toMatchObject({
      pipeline_id: list[0]?.id,
      stage: 'discovery',
      probability: 10,
      forecast_category: 'pipeline',
      closed_at: null,
      owner_id: rep.userId,
    });
    expect(o.stage_entered_at).toEqual(expect.any(String));
    const renewal = await opp(rep, { type: 'renewal' });
    expect(renewal).toMatchObject({ pipeline_id: list[2]?.id, stage: 'due', probability: 50 });
    // the rep may override the probability on create
    expect(await opp(rep, { probability: 33 })).toMatchObject({
      probability: 33,
      forecast_category: 'pipeline',
    });
  });

  it('refuses stages that do not allow creation, unknown stages and foreign pipelines with 422', async () => {
    const notEntry = await rep.post(OPP, { account_id: accountId, name: 'x', stage: 'solution' });
    expect(notEntry.statusCode).toBe(422);
    expect(json<Err>(notEntry).error.details[0]).toMatchObject({
      field: 'stage',
      code: 'create_not_allowed',
    });
    const unknown = await rep.post(OPP, { account_id: accountId, name: 'x', stage: 'nope' });
    expect(unknown.statusCode).toBe(422);
    expect(fields(unknown)).toEqual(['stage']);
    const foreign = await rep.post(OPP, {
      account_id: accountId,
      name: 'x',
      pipeline_id: '01900000-0000-7000-8000-000000000000',
    });
    expect(foreign.statusCode).toBe(422);
    expect(fields(foreign)).toEqual(['pipeline_id']);
    // a stage of another pipeline: "due" is a renewal stage, not one of new business
    const list = await pipelines();
    const wrongPair = await rep.post(OPP, {
      account_id: accountId,
      name: 'x',
      pipeline_id: list[0]?.id,
      stage: 'due',
    });
    expect(wrongPair.statusCode).toBe(422);
    expect(fields(wrongPair)).toEqual(['stage']);
    const o = await opp(rep, {});
    const bad = await move(rep, o.id, { stage: 'nope' });
    expect(bad.statusCode).toBe(422);
    expect(fields(bad)).toEqual(['stage']);
  });
});

describe('stage moves', () => {
  it('gates leaving a stage on its required activities and fields, listing everything missing', async () => {
    const o = await opp(rep, {});
    expect((await move(rep, o.id, { stage: 'solution' })).statusCode).toBe(200);
    const gate = json<{ data: { allowed: boolean; missing: { field: string }[] } }>(
      await rep.get(`/api/v1/sales/opportunities/${o.id}/gate?to=negotiation`),
    ).data;
    expect(gate).toMatchObject({ allowed: false, required_activities: ['demo'] });
    expect(gate.missing.map((m) => m.field)).toEqual(['activities.demo']);
    const refused = await move(rep, o.id, { stage: 'negotiation' });
    expect(refused.statusCode).toBe(422);
    expect(json<Err>(refused).error.key).toBe('stage_gate_failed');
    expect(json<Err>(refused).error.details).toEqual([
      expect.objectContaining({ field: 'activities.demo', code: 'activity_required' }),
    ]);
    const act = await rep.post('/api/v1/objects/activity', {
      subject: '产品演示',
      type: 'demo',
      opportunity_id: o.id,
    });
    expect(act.statusCode, act.body).toBe(201);
    const moved = await move(rep, o.id, { stage: 'negotiation' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(json<{ data: Rec }>(moved).data).toMatchObject({
      stage: 'negotiation',
      probability: 75,
      forecast_category: 'commit',
    });
    // leaving negotiation needs amount and close date: both listed
    const won = await move(rep, o.id, { stage: 'won' });
    expect(won.statusCode).toBe(422);
    expect(fields(won).sort()).toEqual(['amount', 'close_date']);
    // history: one row per stay, the open one last
    const hist = await TenantDb.for(built.platform.db, t.tenantId).query(
      sql<{
        stage: string;
        left_at: Date | null;
        bypassed: boolean;
      }>`select stage, left_at, bypassed from opportunity_stage_history
        where tenant_id = ${t.tenantId} and opportunity_id = ${o.id} order by entered_at`,
    );
    expect(hist.map((h) => h.stage)).toEqual(['discovery', 'solution', 'negotiation']);
    expect(hist.map((h) => h.left_at === null)).toEqual([false, false, true]);
  });

  it('lost needs a reason from the list; restore goes back to the stage before closing', async () => {
    const o = await opp(rep, {});
    await move(rep, o.id, { stage: 'qualification' });
    const noReason = await move(rep, o.id, { stage: 'lost' });
    expect(noReason.statusCode).toBe(422);
    expect(fields(noReason)).toEqual(['close_reason']);
    const badReason = await move(rep, o.id, { stage: 'lost', close_reason: '心情不好' });
    expect(badReason.statusCode).toBe(422);
    expect(json<Err>(badReason).error.details[0]).toMatchObject({
      field: 'close_reason',
      code: 'invalid_option',
    });
    const lost = await move(rep, o.id, { stage: 'lost', close_reason: '预算不足', close_note: '明年再谈' });
    expect(lost.statusCode, lost.body).toBe(200);
    expect(json<{ data: Rec }>(lost).data).toMatchObject({
      stage: 'lost',
      close_reason: '预算不足',
      close_note: '明年再谈',
      probability: 0,
      forecast_category: 'omitted',
    });
    expect(json<{ data: Rec }>(lost).data.closed_at).toEqual(expect.any(String));
    // closed → closed is refused: restore first
    const again = await move(rep, o.id, { stage: 'won' });
    expect(again.statusCode).toBe(422);
    expect(json<Err>(again).error.details[0]?.code).toBe('reopen_first');
    const restored = await rep.post(`/api/v1/sales/opportunities/${o.id}/restore`, {});
    expect(restored.statusCode, restored.body).toBe(200);
    expect(json<{ data: Rec }>(restored).data).toMatchObject({
      stage: 'qualification',
      closed_at: null,
      close_reason: null,
      close_note: null,
      probability: 25,
    });
    expect((await rep.post(`/api/v1/sales/opportunities/${o.id}/restore`, {})).statusCode).toBe(409);
  });

  it('won makes the account a won customer, audited', async () => {
    const acc = await account(rep, '苏州禾木信息技术有限公司');
    const o = await opp(rep, { account_id: acc, stage: 'qualification' });
    const res = await move(rep, o.id, { stage: 'won' });
    expect(res.statusCode, res.body).toBe(200);
    const a = json<{ data: Rec }>(await admin.get(`/api/v1/objects/account/${acc}`)).data;
    expect(a).toMatchObject({ type: 'customer', state: 'won' });
    expect(a.won_at).toEqual(expect.any(String));
    const audit = json<{ data: Array<{ action: string; changes: Record<string, unknown> }> }>(
      await admin.get(`/api/v1/audit?object=account&id=${acc}`),
    ).data;
    expect(audit.some((e) => e.action === 'update' && 'state' in e.changes)).toBe(true);
  });

  it('the system bypasses gating explicitly, and the bypass is audited', async () => {
    const o = await opp(rep, {});
    await move(rep, o.id, { stage: 'solution' });
    const sys = systemActor(t.tenantId);
    const rec = await built.platform.records.update(sys, 'opportunity', o.id, { stage: 'negotiation' });
    expect(rec.stage).toBe('negotiation');
    const hist = await TenantDb.for(built.platform.db, t.tenantId).one(
      sql<{ bypassed: boolean }>`select bypassed from opportunity_stage_history
        where tenant_id = ${t.tenantId} and opportunity_id = ${o.id} and left_at is null`,
    );
    expect(hist?.bypassed).toBe(true);
    const audit = await TenantDb.for(built.platform.db, t.tenantId).query(
      sql<{
        meta: Record<string, unknown>;
      }>`select meta from audit_log where tenant_id = ${t.tenantId} and record_id = ${o.id}`,
    );
    expect(audit.some((e) => e.meta.gating_bypassed === true)).toBe(true);
  });

  it('no_skip and no_back pipelines refuse skipping and moving back', async () => {
    const list = await pipelines();
    const upsell = list[1] as Pipeline;
    const saved = await admin.put('/api/v1/sales/pipelines', {
      pipelines: list.map((p) => (p.id === upsell.id ? { ...p, no_skip: true, no_back: true } : p)),
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const o = await opp(rep, { type: 'upsell', amount: { amount: 100_000, currency: 'CNY' } });
    expect(o.pipeline_id).toBe(upsell.id);
    const skip = await move(rep, o.id, { stage: 'negotiation' });
    expect(skip.statusCode).toBe(422);
    expect(json<Err>(skip).error.details).toEqual([
      expect.objectContaining({ field: 'stage', code: 'no_skip' }),
    ]);
    expect((await move(rep, o.id, { stage: 'proposal' })).statusCode).toBe(200);
    const back = await move(rep, o.id, { stage: 'discovery' });
    expect(back.statusCode).toBe(422);
    expect(json<Err>(back).error.details).toEqual([
      expect.objectContaining({ field: 'stage', code: 'no_back' }),
    ]);
    // closed stages stay reachable
    expect((await move(rep, o.id, { stage: 'invalid', close_reason: '重复商机' })).statusCode).toBe(200);
  });
});

describe('pipeline settings', () => {
  it('validates the list and refuses removing a stage that holds deals', async () => {
    const list = await pipelines();
    const first = list[0] as Pipeline;
    const put = (ps: unknown) => admin.put('/api/v1/sales/pipelines', { pipelines: ps });
    const twoWon = await put([
      { ...first, stages: [...first.stages, { ...first.stages[4], key: 'won2' }] },
      ...list.slice(1),
    ]);
    expect(twoWon.statusCode).toBe(422);
    expect(json<Err>(twoWon).error.details).toContainEqual(
      expect.objectContaining({ field: 'pipelines[0].stages', code: 'one_won_stage' }),
    );
    const badKey = await put([
      { ...first, stages: first.stages.map((s, i) => (i === 0 ? { ...s, key: 'Bad-Key' } : s)) },
      ...list.slice(1),
    ]);
    expect(badKey.statusCode).toBe(422);
    expect(fields(badKey)).toContain('pipelines[0].stages[0].key');
    const dupKey = await put([
      { ...first, stages: first.stages.map((s, i) => (i === 1 ? { ...s, key: 'discovery' } : s)) },
      ...list.slice(1),
    ]);
    expect(fields(dupKey)).toContain('pipelines[0].stages[1].key');
    const order = await put([
      { ...first, stages: [first.stages[4], ...first.stages.filter((_, i) => i !== 4)] },
      ...list.slice(1),
    ]);
    expect(json<Err>(order).error.details).toContainEqual(expect.objectContaining({ code: 'stage_order' }));
    const badRefs = await put([
      {
        ...first,
        stages: first.stages.map((s, i) =>
          i === 0 ? { ...s, required_fields: ['nope'], required_activities: ['dance'], probability: 101 } : s,
        ),
      },
      ...list.slice(1),
    ]);
    expect(badRefs.statusCode).toBe(422);
    expect(fields(badRefs)).toEqual(expect.arrayContaining(['pipelines[0].stages[0].probability']));
    const badRefs2 = await put([
      {
        ...first,
        stages: first.stages.map((s, i) =>
          i === 0 ? { ...s, required_fields: ['nope'], required_activities: ['dance'] } : s,
        ),
      },
      ...list.slice(1),
    ]);
    expect(fields(badRefs2)).toEqual(
      expect.arrayContaining([
        'pipelines[0].stages[0].required_fields',
        'pipelines[0].stages[0].required_activities',
      ]),
    );
    const noEntry = await put([
      { ...first, stages: first.stages.map((s) => ({ ...s, allow_create: false })) },
      ...list.slice(1),
    ]);
    expect(json<Err>(noEntry).error.details).toContainEqual(
      expect.objectContaining({ code: 'create_stage_required' }),
    );
    const inUse = await put([
      { ...first, stages: first.stages.filter((s) => s.key !== 'discovery') },
      ...list.slice(1),
    ]);
    expect(inUse.statusCode).toBe(409);
    expect(json<Err>(inUse).error).toMatchObject({ key: 'stage_in_use' });
    expect(fields(inUse)).toEqual(['pipelines[0].stages.discovery']);
    const dropPipeline = await put(list.slice(0, 2));
    expect(dropPipeline.statusCode).toBe(409);
    expect((await rep.put('/api/v1/sales/pipelines', { pipelines: list })).statusCode).toBe(403);
    // nothing changed
    expect(await pipelines()).toEqual(list);
    // a new stage and a renamed one are saved; the metadata shows the new option
    const next = [
      {
        ...first,
        stages: [
          ...first.stages.slice(0, 4),
          {
            ...first.stages[3],
            key: 'contract',
            name: { 'zh-CN': '合同', 'en-US': 'Contract' },
            required_fields: [],
          },
          ...first.stages.slice(4),
        ],
      },
      ...list.slice(1),
    ];
    const ok = await put(next);
    expect(ok.statusCode, ok.body).toBe(200);
    const meta = json<{ data: { fields: Array<{ api_name: string; options?: { value: string }[] }> } }>(
      await rep.get('/api/v1/metadata/objects/opportunity'),
    ).data;
    expect(meta.fields.find((f) => f.api_name === 'stage')?.options?.map((o) => o.value)).toContain(
      'contract',
    );
  });

  it('settings: close reasons, duplicate policy; admin only', async () => {
    const cur = json<{ data: Record<string, unknown> }>(await rep.get('/api/v1/sales/settings')).data;
    expect(cur).toMatchObject({ duplicatePolicy: 'warn', noFollowUpDays: 7 });
    expect((await rep.put('/api/v1/sales/settings', cur)).statusCode).toBe(403);
    const bad = await admin.put('/api/v1/sales/settings', { ...cur, noFollowUpDays: 0 });
    expect(bad.statusCode).toBe(422);
    expect(fields(bad)).toEqual(['noFollowUpDays']);
  });
});

describe('duplicates', () => {
  it('warns through the probe, blocks when the policy says so', async () => {
    const acc = await account(admin, '南京青禾数据有限公司');
    const first = await opp(rep, { account_id: acc, type: 'upsell' });
    const probe = json<{ data: { policy: string; hits: Rec[] } }>(
      await admin.get(`/api/v1/sales/opportunities/duplicates?account_id=${acc}&type=upsell`),
    ).data;
    expect(probe.policy).toBe('warn');
    expect(probe.hits.map((h) => h.id)).toEqual([first.id]);
    expect(
      (await admin.get(`/api/v1/sales/opportunities/duplicates?account_id=${acc}&type=new`)).json(),
    ).toMatchObject({
      data: { hits: [] },
    });
    // lines that do not overlap: no duplicate
    await admin.put(`/api/v1/sales/opportunities/${first.id}/lines`, {
      lines: [{ product: 'BI 模块', quantity: 1, unit_price: 10_000, currency: 'CNY' }],
    });
    expect(
      json<{ data: { hits: Rec[] } }>(
        await admin.get(`/api/v1/sales/opportunities/duplicates?account_id=${acc}&type=upsell&products=CRM`),
      ).data.hits,
    ).toHaveLength(0);
    const cur = json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/sales/settings')).data;
    expect((await admin.put('/api/v1/sales/settings', { ...cur, duplicatePolicy: 'block' })).statusCode).toBe(
      200,
    );
    const blocked = await rep.post(OPP, { account_id: acc, name: 'again', type: 'upsell' });
    expect(blocked.statusCode).toBe(422);
    expect(json<Err>(blocked).error).toMatchObject({ key: 'duplicate_opportunity' });
    await admin.put('/api/v1/sales/settings', { ...cur, duplicatePolicy: 'warn' });
  });
});

describe('contacts, team and lines', () => {
  it('lines keep the amount as their sum; edit rights needed', async () => {
    const o = await opp(rep, {});
    const put = await rep.put(`/api/v1/sales/opportunities/${o.id}/lines`, {
      lines: [
        { product: 'CRM 专业版', quantity: 10, unit_price: 120_000, currency: 'CNY' },
        { product: '实施服务', quantity: 1, unit_price: 300_000, currency: 'CNY' },
      ],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(json<{ data: Rec[] }>(put).data.map((l) => l.amount)).toEqual([1_200_000, 300_000]);
    expect(json<{ data: Rec }>(await rep.get(`${OPP}/${o.id}`)).data.amount).toEqual({
      amount: 1_500_000,
      currency: 'CNY',
    });
    const mixed = await rep.put(`/api/v1/sales/opportunities/${o.id}/lines`, {
      lines: [
        { product: 'a', quantity: 1, unit_price: 1, currency: 'CNY' },
        { product: 'b', quantity: 1, unit_price: 1, currency: 'USD' },
      ],
    });
    expect(mixed.statusCode).toBe(422);
    expect(fields(mixed)).toEqual(['lines[1].currency']);
    expect((await rep2.get(`/api/v1/sales/opportunities/${o.id}/lines`)).statusCode).toBe(404);
    expect((await rep2.put(`/api/v1/sales/opportunities/${o.id}/lines`, { lines: [] })).statusCode).toBe(404);

    const contact = json<{ data: Rec }>(
      await rep.post('/api/v1/objects/contact', { name: '李雷', account_id: accountId }),
    ).data;
    const c = await rep.put(`/api/v1/sales/opportunities/${o.id}/contacts`, {
      contacts: [{ contact_id: contact.id, role: 'decision_maker' }],
    });
    expect(c.statusCode, c.body).toBe(200);
    expect(json<{ data: Rec[] }>(c).data).toEqual([
      { contact_id: contact.id, name: '李雷', role: 'decision_maker' },
    ]);
    const badContact = await rep.put(`/api/v1/sales/opportunities/${o.id}/contacts`, {
      contacts: [{ contact_id: '01900000-0000-7000-8000-000000000000' }],
    });
    expect(badContact.statusCode).toBe(422);
    expect(fields(badContact)).toEqual(['contacts[0].contact_id']);
    const team = await rep.put(`/api/v1/sales/opportunities/${o.id}/team`, {
      team: [{ user_id: rep2.userId, role: 'presales' }],
    });
    expect(team.statusCode, team.body).toBe(200);
    expect(json<{ data: Rec[] }>(team).data[0]).toMatchObject({ user_id: rep2.userId, role: 'presales' });
  });
});

describe('permissions', () => {
  it('a rep sees and moves only own deals; a manager sees the department subtree', async () => {
    const mine = await opp(rep, {});
    const theirs = await opp(repInDept, {});
    expect((await rep2.get(`${OPP}/${mine.id}`)).statusCode).toBe(404);
    expect((await move(rep2, mine.id, { stage: 'qualification' })).statusCode).toBe(404);
    expect((await rep2.get(`/api/v1/sales/opportunities/${mine.id}/gate?to=qualification`)).statusCode).toBe(
      404,
    );
    expect((await manager.get(`${OPP}/${theirs.id}`)).statusCode).toBe(200);
    expect((await manager.get(`${OPP}/${mine.id}`)).statusCode).toBe(404);
    expect((await move(manager, theirs.id, { stage: 'qualification' })).statusCode).toBe(200);
  });
});

describe('kanban', () => {
  it('columns in stage order with counts, sums per currency, weighted amounts and overdue cards', async () => {
    const k = await newTenant(built);
    const a = await login(built.app, k.adminEmail);
    const r = await userWithRole(a, 'sales_rep');
    // the rep's own account: its name shows on the card (account scope applies)
    const acc = json<{ data: Rec }>(await r.post('/api/v1/objects/account', { name: '成都蓝鲸科技有限公司' }))
      .data.id;
    const mk = async (who: Client, amount: number, currency = 'CNY') =>
      json<{ data: Rec }>(
        await who.post(OPP, { account_id: acc, name: `K ${amount}`, amount: { amount, currency } }),
      ).data;
    const o1 = await mk(r, 100_000);
    await mk(r, 300_000);
    await mk(r, 50_000, 'USD');
    await mk(a, 999_000);
    await move(r, o1.id, { stage: 'qualification' });
    // o1 has been in its stage for 30 days (max 21)
    await TenantDb.for(built.platform.db, k.tenantId).exec0(
      sql`update opportunity set stage_entered_at = now() - interval '30 days' where tenant_id = ${k.tenantId} and id = ${o1.id}`,
    );
    const board = json<{
      data: { columns: Array<Rec & { key: string; count: number; amounts: Rec[]; cards: Rec[] }> };
    }>(await r.get('/api/v1/sales/kanban?limit=1')).data;
    expect(board.columns.map((c) => c.key)).toEqual([
      'discovery',
      'qualification',
      'solution',
      'negotiation',
      'won',
      'lost',
      'invalid',
    ]);
    const disc = board.columns[0];
    expect(disc?.count).toBe(2);
    expect(disc?.amounts).toEqual(
      expect.arrayContaining([
        { currency: 'CNY', amount: 300_000, weighted: 30_000 },
        { currency: 'USD', amount: 50_000, weighted: 5_000 },
      ]),
    );
    expect(disc?.cards).toHaveLength(1);
    const q = board.columns[1];
    expect(q).toMatchObject({ count: 1, amounts: [{ currency: 'CNY', amount: 100_000, weighted: 25_000 }] });
    expect(q?.cards[0]).toMatchObject({
      id: o1.id,
      account_name: '成都蓝鲸科技有限公司',
      overdue: true,
      days_in_stage: 30,
    });
    // the admin sees the admin's deal too
    const all = json<{ data: { columns: Array<{ count: number }> } }>(
      await a.get('/api/v1/sales/kanban'),
    ).data;
    expect(all.columns[0]?.count).toBe(3);
    const bad = await r.get('/api/v1/sales/kanban?pipeline_id=01900000-0000-7000-8000-000000000000');
    expect(bad.statusCode).toBe(422);
    expect((await r.get('/api/v1/sales/kanban?pipeline_id=nope')).statusCode).toBe(400);
  });
});

describe('alerts job', () => {
  it('notifies owners once per kind and day, as of a date', async () => {
    const k = await newTenant(built);
    const a = await login(built.app, k.adminEmail);
    const r = await userWithRole(a, 'sales_rep');
    const acc = json<{ data: Rec }>(await a.post('/api/v1/objects/account', { name: '厦门海石网络有限公司' }))
      .data.id;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const day = (n: number): string =>
      new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    const o = json<{ data: Rec }>(await r.post(OPP, { account_id: acc, name: 'A', close_date: day(2) })).data;
    json<{ data: Rec }>(
      await r.post(OPP, { account_id: acc, name: 'R', type: 'renewal', renewal_due_on: day(10) }),
    );
    const run = async (n: number) =>
      json<{ data: { status: string; result: Record<string, number> } }>(
        await a.post('/api/v1/admin/jobs/sales.alerts/run', { as_of: day(n) }),
      ).data;
    const first = await run(0);
    expect(first.status).toBe('succeeded');
    // renewal due in 10 days while still in its first stage
    expect(first.result).toMatchObject({ renewal_mismatch: 1 });
    expect(first.result.no_follow_up ?? 0).toBe(0);
    const later = await run(20);
    // discovery max 14 days, 7 days without follow-up, close date passed, renewal past due
    expect(later.result).toMatchObject({
      stage_overdue: 1,
      no_follow_up: 2,
      close_date_passed: 1,
      renewal_mismatch: 1,
    });
    expect((await run(20)).result.alerts).toBe(0);
    const kinds = json<{ data: { kind: string }[] }>(await r.get('/api/v1/notifications')).data.map(
      (n) => n.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'opportunity.stage_overdue',
        'opportunity.no_follow_up',
        'opportunity.renewal_mismatch',
      ]),
    );
    expect(kinds.filter((x) => x === 'opportunity.no_follow_up')).toHaveLength(1);
    const ev = await TenantDb.for(built.platform.db, k.tenantId).one(
      sql<{
        n: number;
      }>`select count(*)::int8 as n from outbox_event where tenant_id = ${k.tenantId} and type = 'opportunity.alert' and record_id = ${o.id}`,
    );
    expect(Number(ev?.n)).toBeGreaterThan(0);
  });
});
