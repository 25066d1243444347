// The approvals engine against real PostgreSQL: every node kind, conditions, priority, the
// decisions (approve, reject, return, withdraw, reassign, comment, batch), the record lock, the
// module callback in the approval's transaction, reminders, and bad input.
import crypto from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { buildApp, type BuiltApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { modules } from '../src/modules/index.ts';
import type { ModuleDef } from '../src/platform/module.ts';
import { addDays } from '../src/platform/jobs/dates.rules.ts';
import { AppError } from '../src/platform/http/errors.ts';
import type { ApprovalOutcome } from '../src/platform/approvals/approvals.types.ts';
import { conformsTo, json, login, newTenant, PASSWORD, type Client } from './harness.ts';

interface Instance {
  id: string;
  status: string;
  current_node: number | null;
  nodes: Array<{ index: number; skipped: boolean; required: number; approvers: Array<{ id: string }> }>;
  tasks: Array<{ id: string; node_index: number; status: string; approver: { id: string } }>;
  steps: Array<{ action: string; comment: string | null }>;
  my_task_id: string | null;
  can_withdraw: boolean;
  snapshot: Record<string, unknown>;
}

const outcomes: ApprovalOutcome[] = [];
let built: BuiltApp;
let tenantId: string;
let admin: Client;
let rep: Client;
let mgr: Client;
let vp: Client;
let ceo: Client;
let fin1: Client;
let fin2: Client;
let fin3: Client;
let outsider: Client;

const conforms = <T = Record<string, unknown>>(
  method: string,
  route: string,
  res: LightMyRequestResponse,
  status: number,
): T => conformsTo<T>(built.app, method, route, res, status);

const A = '/api/v1/approvals';
const tag = (): string => `T-${crypto.randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  // the accounts module with a test reaction to account approvals (a real object, real writes)
  const mods = modules.map((m): ModuleDef =>
    m.name !== 'accounts'
      ? m
      : {
          ...m,
          approvals: {
            account: {
              async onSubmitted(ctx, s) {
                await ctx.records.update(
                  ctx.system,
                  'account',
                  s.recordId,
                  { city: 'in_approval' },
                  { tx: ctx.tx },
                );
              },
              async onOutcome(ctx, o) {
                const rec = await ctx.records.get(ctx.system, 'account', o.recordId);
                await ctx.records.update(
                  ctx.system,
                  'account',
                  o.recordId,
                  { city: o.outcome },
                  { tx: ctx.tx },
                );
                ctx.emit('account.approval_test', { id: o.recordId, outcome: o.outcome });
                // proves the callback shares the approval's transaction: throwing undoes the step
                if (String(rec.name).includes('boom')) throw new AppError('conflict', 'version_conflict');
                outcomes.push(o);
              },
            },
          },
        },
  );
  const config = loadConfig({
    dataDir: inject('dataDir'),
    runJobs: false,
    logLevel: 'silent',
    trustProxy: true,
  });
  built = await buildApp({
    config,
    databaseUrl: inject('databaseUrl'),
    logger: false,
    poolSize: 5,
    modules: mods,
  });
  const t = await newTenant(built);
  tenantId = t.tenantId;
  admin = await login(built.app, t.adminEmail);
  const dept = async (name: string, parent: string | null): Promise<string> =>
    json<{ data: { id: string } }>(await admin.post('/api/v1/admin/departments', { name, parent_id: parent }))
      .data.id;
  const root = await dept('总部', null);
  const sales = await dept('销售中心', root);
  const east = await dept('华东', sales);
  const sh = await dept('上海', east);
  const user = async (role: string, department: string | null, locale?: string): Promise<Client> => {
    const email = `${role}-${crypto.randomBytes(4).toString('hex')}@example.test`;
    const res = await admin.post('/api/v1/admin/users', {
      email,
      name: `${role} ${email.slice(-16, -13)}`,
      password: PASSWORD,
      role,
      department_id: department,
      ...(locale ? { locale } : {}),
    });
    expect(res.statusCode, res.body).toBe(201);
    return login(built.app, email);
  };
  rep = await user('sales_rep', sh);
  mgr = await user('sales_manager', sh, 'en-US');
  vp = await user('sales_manager', sales);
  ceo = await user('sales_manager', root);
  fin1 = await user('read_only', null);
  fin2 = await user('read_only', null);
  fin3 = await user('read_only', null);
  outsider = await user('sales_rep', null);
  const H = `${A}/department-heads/:id`;
  for (const [d, u] of [
    [root, ceo],
    [sales, vp],
    [sh, mgr],
  ] as const)
    conforms('PUT', H, await admin.put(`${A}/department-heads/${d}`, { head_user_id: u.userId }), 204);
  conforms('PUT', H, await rep.put(`${A}/department-heads/${sh}`, { head_user_id: null }), 403);
  conforms('PUT', H, await admin.put(`${A}/department-heads/${sh}`, { head_user_id: 'x' }), 400);
  const heads = conforms<{ data: Array<{ name: string; head: { id: string } | null }> }>(
    'GET',
    `${A}/department-heads`,
    await rep.get(`${A}/department-heads`),
    200,
  ).data;
  expect(heads.find((h) => h.name === '华东')?.head).toBe(null);
  expect(heads.find((h) => h.name === '上海')?.head?.id).toBe(mgr.userId);
}, 120_000);
afterAll(async () => built?.close());

/** A process caught only by accounts of this test (industry = its tag). */
async function processFor(t: string, nodes: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post(`${A}/processes`, {
    name: `流程 ${t}`,
    object: 'account',
    triggers: ['manual', 'update'],
    condition: [{ field: 'industry', op: 'eq', value: t }],
    nodes,
    ...extra,
  });
  return conforms<{ data: { id: string } }>('POST', `${A}/processes`, res, 201).data.id;
}

async function account(t: string, extra: Record<string, unknown> = {}, by: Client = rep): Promise<string> {
  const res = await by.post('/api/v1/objects/account', {
    name: `客户 ${t} ${crypto.randomBytes(3).toString('hex')}`,
    industry: t,
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: { id: string } }>(res).data.id;
}

async function submit(id: string, by: Client = rep): Promise<Instance> {
  return conforms<{ data: Instance }>(
    'POST',
    `${A}/submit`,
    await by.post(`${A}/submit`, { object: 'account', record_id: id }),
    201,
  ).data;
}

const act = async (
  who: Client,
  inst: string,
  action: string,
  body: Record<string, unknown> = {},
  status = 200,
): Promise<Instance> =>
  conforms<{ data: Instance }>(
    'POST',
    `${A}/instances/:id/${action}`,
    await who.post(`${A}/instances/${inst}/${action}`, body),
    status,
  ).data;

const errorKey = (res: LightMyRequestResponse): string => json<{ error: { key: string } }>(res).error.key;

describe('approval processes (admin)', () => {
  it('create, read, replace with version, validation naming fields, delete unless used', async () => {
    const t = tag();
    const P = `${A}/processes`;
    const bad = await admin.post(P, {
      name: 'x',
      object: 'account',
      triggers: ['manual'],
      condition: [{ field: 'nope', op: 'eq', value: 1 }],
      nodes: [
        { name: 'a', kind: 'user', user_id: '0190aaaa-0000-7000-8000-000000000000' },
        { name: 'b', kind: 'countersign', user_ids: [fin1.userId], mode: 'ratio' },
        {
          name: 'c',
          kind: 'role',
          role: 'no_such_role',
          condition: [{ field: 'employees', op: 'gt', value: 'many' }],
        },
      ],
    });
    const fields = conforms<{ error: { details: Array<{ field: string; code: string }> } }>(
      'POST',
      P,
      bad,
      422,
    ).error.details.map((d) => `${d.field}:${d.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'condition[0].field:unknown_field',
        'nodes[0].user_id:invalid_reference',
        'nodes[1].ratio:required',
        'nodes[2].role:invalid_reference',
        'nodes[2].condition[0].value:invalid_value',
      ]),
    );
    const shape = await admin.post(P, { name: 'x', object: 'account', triggers: ['sometimes'], nodes: [] });
    expect(
      conforms<{ error: { details: Array<{ field: string }> } }>('POST', P, shape, 422).error.details.map(
        (d) => d.field,
      ),
    ).toEqual(expect.arrayContaining(['triggers[0]', 'nodes']));
    conforms(
      'POST',
      P,
      await admin.post(P, {
        name: 'x',
        object: 'nothing',
        triggers: ['manual'],
        nodes: [{ name: 'a', kind: 'department_head' }],
      }),
      422,
    );
    conforms('POST', P, await rep.post(P, { name: 'x' }), 403);
    conforms('GET', P, await rep.get(P), 403);

    const id = await processFor(t, [{ name: '经理', kind: 'department_head', timeout_hours: 24 }], {
      priority: 5,
    });
    const one = conforms<{ data: { version: number; nodes: unknown[] } }>(
      'GET',
      `${P}/:id`,
      await admin.get(`${P}/${id}`),
      200,
    ).data;
    expect(one.nodes).toEqual([{ name: '经理', kind: 'department_head', condition: [], timeout_hours: 24 }]);
    const list = conforms<{ data: Array<{ id: string }> }>(
      'GET',
      P,
      await admin.get(`${P}?object=account`),
      200,
    ).data;
    expect(list.some((p) => p.id === id)).toBe(true);
    const body = {
      name: '改名',
      object: 'account',
      triggers: ['manual'],
      condition: [{ field: 'industry', op: 'eq', value: t }],
      nodes: [{ name: '经理', kind: 'department_head' }],
      version: one.version,
    };
    const replaced = conforms<{ data: { name: string; version: number } }>(
      'PUT',
      `${P}/:id`,
      await admin.put(`${P}/${id}`, body),
      200,
    ).data;
    expect(replaced).toMatchObject({ name: '改名', version: one.version + 1 });
    conforms('PUT', `${P}/:id`, await admin.put(`${P}/${id}`, body), 409);
    conforms('GET', `${P}/:id`, await admin.get(`${P}/${crypto.randomUUID()}`), 404);

    await submit(await account(t));
    const used = await admin.delete(`${P}/${id}`);
    conforms('DELETE', `${P}/:id`, used, 409);
    expect(errorKey(used)).toBe('process_in_use');
    const unused = await processFor(tag(), [{ name: 'a', kind: 'department_head' }]);
    conforms('DELETE', `${P}/:id`, await admin.delete(`${P}/${unused}`), 204);
  });
});

describe('submitting and deciding', () => {
  it('user then role node; the record is locked while pending; callback, audit, events, notifications', async () => {
    const t = tag();
    await processFor(
      t,
      [
        { name: '指定人', kind: 'user', user_id: vp.userId },
        { name: '财务', kind: 'role', role: 'read_only' },
      ],
      { snapshot_fields: ['employees'] },
    );
    const acc = await account(t, { employees: 10 });
    const inst = await submit(acc);
    expect(inst).toMatchObject({ status: 'pending', current_node: 0, can_withdraw: true });
    expect(inst.nodes[1]?.approvers.map((a) => a.id).sort()).toEqual(
      [fin1.userId, fin2.userId, fin3.userId].sort(),
    );
    expect(inst.snapshot).toMatchObject({ industry: t });
    // onSubmitted wrote the record before it was locked
    const rec = json<{ data: { city: string; version: number } }>(
      await rep.get(`/api/v1/objects/account/${acc}`),
    ).data;
    expect(rec.city).toBe('in_approval');

    const again = await rep.post(`${A}/submit`, { object: 'account', record_id: acc });
    conforms('POST', `${A}/submit`, again, 409);
    expect(errorKey(again)).toBe('approval_pending_exists');
    const patch = await rep.patch(`/api/v1/objects/account/${acc}`, { phone: '13800000000' });
    expect(patch.statusCode).toBe(409);
    expect(json<{ error: { key: string; message: string } }>(patch).error).toMatchObject({
      key: 'record_locked',
    });
    const del = await admin.delete(`/api/v1/objects/account/${acc}`);
    expect([del.statusCode, errorKey(del)]).toEqual([409, 'record_locked']);
    const bulk = await admin.post('/api/v1/objects/account/bulk', {
      action: 'update',
      records: [{ id: acc, phone: '13800000000' }],
    });
    expect(bulk.statusCode).toBe(409);

    const inbox = conforms<{
      data: Array<{
        instance_id: string;
        record_title: string;
        submitted_by: { id: string };
        age_hours: number;
      }>;
    }>('GET', `${A}/inbox`, await vp.get(`${A}/inbox`), 200).data;
    const item = inbox.find((i) => i.instance_id === inst.id);
    expect(item).toMatchObject({
      submitted_by: { id: rep.userId },
      snapshot: { industry: t, employees: 10 },
    });
    expect(item?.record_title).toContain(t);
    const notes = json<{ data: Array<{ kind: string; link: string }> }>(
      await vp.get('/api/v1/notifications'),
    ).data;
    expect(notes.some((n) => n.kind === 'approval.task' && n.link === `/o/account/${acc}`)).toBe(true);

    // a module driving its own approval may still write the record
    const system = await actorOf(admin);
    await built.platform.records.update(
      system,
      'account',
      acc,
      { website: 'https://example.com' },
      { ignoreApprovalLock: true },
    );
    const mine = conforms<{ data: Instance[] }>(
      'GET',
      `${A}/submissions`,
      await rep.get(`${A}/submissions?status=pending`),
      200,
    ).data;
    expect(mine.map((m) => m.id)).toContain(inst.id);
    conforms('GET', `${A}/submissions`, await rep.get(`${A}/submissions?status=maybe`), 400);

    const step1 = await act(vp, inst.id, 'approve', { comment: '同意' });
    expect(step1).toMatchObject({ status: 'pending', current_node: 1, can_withdraw: false });
    // a role node: any one of the role's users decides
    const done = await act(fin2, inst.id, 'approve');
    expect(done.status).toBe('approved');
    expect(
      done.tasks
        .filter((x) => x.node_index === 1)
        .map((x) => x.status)
        .sort(),
    ).toEqual(['approved', 'cancelled', 'cancelled']);
    expect(outcomes.find((o) => o.instanceId === inst.id)).toMatchObject({
      outcome: 'approved',
      object: 'account',
      recordId: acc,
    });
    const after = json<{ data: { city: string } }>(await rep.get(`/api/v1/objects/account/${acc}`)).data;
    expect(after.city).toBe('approved');
    // unlocked once it ended
    expect((await rep.patch(`/api/v1/objects/account/${acc}`, { phone: '13800000000' })).statusCode).toBe(
      200,
    );
    expect(
      json<{ data: Array<{ kind: string }> }>(await rep.get('/api/v1/notifications')).data.some(
        (n) => n.kind === 'approval.outcome',
      ),
    ).toBe(true);

    const tdb = built.platform.db.kysely;
    const events = (
      await sql<{
        type: string;
      }>`select type from outbox_event where tenant_id = ${tenantId} and record_id = ${acc} order by seq`.execute(
        tdb,
      )
    ).rows.map((r) => r.type);
    expect(events).toEqual(
      expect.arrayContaining([
        'approval.submitted',
        'approval.approved',
        'approval.completed',
        'account.approval_test',
      ]),
    );
    const audits = (
      await sql<{
        step: string;
      }>`select meta->>'step' as step from audit_log where tenant_id = ${tenantId} and record_id = ${acc} and action = 'approval' order by id`.execute(
        tdb,
      )
    ).rows.map((r) => r.step);
    expect(audits).toEqual(['submit', 'approve', 'approve', 'complete']);

    const history = conforms<{ data: Instance[] }>(
      'GET',
      `${A}/instances`,
      await rep.get(`${A}/instances?object=account&record_id=${acc}`),
      200,
    ).data;
    expect(history[0]?.steps.map((s) => s.action)).toEqual(['submit', 'approve', 'approve']);
    conforms('GET', `${A}/instances/:id`, await fin2.get(`${A}/instances/${inst.id}`), 200);
    conforms('GET', `${A}/instances/:id`, await outsider.get(`${A}/instances/${inst.id}`), 404);
  });

  it('department head, then the head N levels up (headless departments defer upwards)', async () => {
    const t = tag();
    await processFor(t, [
      { name: '部门负责人', kind: 'department_head' },
      { name: '上一级', kind: 'manager_levels', levels: 1 },
      { name: '上三级', kind: 'manager_levels', levels: 3 },
    ]);
    const inst = await submit(await account(t));
    // 上海 → mgr; one up is 华东 (no head) → 销售中心 vp; three up → 总部 ceo
    expect(inst.nodes.map((n) => n.approvers.map((a) => a.id))).toEqual([
      [mgr.userId],
      [vp.userId],
      [ceo.userId],
    ]);
    await act(mgr, inst.id, 'approve');
    await act(vp, inst.id, 'approve');
    expect((await act(ceo, inst.id, 'approve')).status).toBe('approved');
  });

  it('countersign all and ratio; a reject on a countersign node rejects the submission', async () => {
    const t = tag();
    await processFor(t, [
      { name: '会签', kind: 'countersign', user_ids: [fin1.userId, fin2.userId], mode: 'all' },
      { name: '半数', kind: 'countersign', role: 'read_only', mode: 'ratio', ratio: 0.5 },
    ]);
    const inst = await submit(await account(t));
    expect(inst.nodes.map((n) => n.required)).toEqual([2, 2]);
    expect((await act(fin1, inst.id, 'approve')).current_node).toBe(0);
    expect((await act(fin2, inst.id, 'approve')).current_node).toBe(1);
    expect((await act(fin3, inst.id, 'approve')).status).toBe('pending');
    const done = await act(fin1, inst.id, 'approve');
    expect(done.status).toBe('approved');
    expect(
      done.tasks
        .filter((x) => x.node_index === 1)
        .map((x) => x.status)
        .sort(),
    ).toEqual(['approved', 'approved', 'cancelled']);

    const other = await submit(await account(t));
    await act(fin1, other.id, 'approve');
    const rejected = await act(fin2, other.id, 'reject', { comment: '价格太低' });
    expect(rejected.status).toBe('rejected');
    expect(outcomes.find((o) => o.instanceId === other.id)).toMatchObject({
      outcome: 'rejected',
      comment: '价格太低',
    });
  });

  it('node conditions skip a level (discount-style thresholds); the first active process by priority wins', async () => {
    const t = tag();
    const low = await processFor(
      t,
      [
        { name: '经理', kind: 'department_head' },
        {
          name: '总监',
          kind: 'user',
          user_id: ceo.userId,
          condition: [{ field: 'employees', op: 'gt', value: 100 }],
        },
      ],
      { priority: 10 },
    );
    await processFor(t, [{ name: '不该用', kind: 'user', user_id: fin1.userId }], { priority: 20 });
    await processFor(t, [{ name: '停用', kind: 'user', user_id: fin2.userId }], {
      priority: 1,
      active: false,
    });
    const small = await submit(await account(t, { employees: 50 }));
    expect(small.nodes.map((n) => n.skipped)).toEqual([false, true]);
    expect(small.steps.map((s) => s.action)).toEqual(['submit', 'skip']);
    expect((await act(mgr, small.id, 'approve')).status).toBe('approved');
    const big = await submit(await account(t, { employees: 500 }));
    expect(big).toMatchObject({ process_id: low });
    expect(big.nodes.map((n) => n.skipped)).toEqual([false, false]);
    expect((await act(mgr, big.id, 'approve')).status).toBe('pending');
    expect((await act(ceo, big.id, 'approve')).status).toBe('approved');

    // no node applies at all: approved at once (the module is told)
    const t2 = tag();
    await processFor(t2, [
      {
        name: '大单',
        kind: 'user',
        user_id: ceo.userId,
        condition: [{ field: 'employees', op: 'gt', value: 100 }],
      },
    ]);
    const auto = await submit(await account(t2, { employees: 1 }));
    expect(auto.status).toBe('approved');
    expect(outcomes.some((o) => o.instanceId === auto.id && o.outcome === 'approved')).toBe(true);
    // no process at all
    const none = await rep.post(`${A}/submit`, { object: 'account', record_id: await account(tag()) });
    conforms('POST', `${A}/submit`, none, 422);
    expect(errorKey(none)).toBe('no_approval_process');
    const svc = await built.platform.approvals.submit(
      { ...(await actorOf(rep)) },
      { object: 'account', recordId: await account(tag()), trigger: 'create' },
    );
    expect(svc).toBe(null);
  });

  it('withdraw while the current node is untouched, refused after a decision and for others', async () => {
    const t = tag();
    await processFor(t, [
      { name: '会签', kind: 'countersign', user_ids: [fin1.userId, fin2.userId], mode: 'all' },
    ]);
    const a = await submit(await account(t));
    const other = await rep.post(`${A}/instances/${a.id}/withdraw`, {});
    expect(other.statusCode).toBe(200);
    expect(json<{ data: Instance }>(other).data.status).toBe('withdrawn');
    expect(outcomes.find((o) => o.instanceId === a.id)?.outcome).toBe('withdrawn');
    const again = await rep.post(`${A}/instances/${a.id}/withdraw`, {});
    conforms('POST', `${A}/instances/:id/withdraw`, again, 409);
    expect(errorKey(again)).toBe('approval_not_pending');

    const b = await submit(await account(t));
    const notMine = await fin1.post(`${A}/instances/${b.id}/withdraw`, {});
    conforms('POST', `${A}/instances/:id/withdraw`, notMine, 403);
    expect(errorKey(notMine)).toBe('not_submitter');
    await act(fin1, b.id, 'approve');
    const late = await rep.post(`${A}/instances/${b.id}/withdraw`, {});
    conforms('POST', `${A}/instances/:id/withdraw`, late, 409);
    expect(errorKey(late)).toBe('withdraw_not_allowed');
  });

  it('return to the submitter (comment required), then resubmit; reject requires a comment', async () => {
    const t = tag();
    await processFor(t, [{ name: '经理', kind: 'department_head' }]);
    const acc = await account(t);
    const a = await submit(acc);
    const noComment = await mgr.post(`${A}/instances/${a.id}/reject`, { comment: '  ' });
    conforms('POST', `${A}/instances/:id/reject`, noComment, 422);
    expect(
      json<{ error: { details: Array<{ field: string; issue: string }> } }>(noComment).error.details[0],
    ).toMatchObject({
      field: 'comment',
      issue: 'is required', // mgr reads English
    });
    conforms('POST', `${A}/instances/:id/return`, await mgr.post(`${A}/instances/${a.id}/return`, {}), 422);
    const returned = await act(mgr, a.id, 'return', { comment: '补充附件' });
    expect(returned.status).toBe('returned');
    // back to the submitter: unlocked, editable, resubmittable
    expect((await rep.patch(`/api/v1/objects/account/${acc}`, { phone: '13900000000' })).statusCode).toBe(
      200,
    );
    const b = await submit(acc);
    expect(b.status).toBe('pending');
    await act(rep, b.id, 'comment', { comment: '已补充' });
    await act(mgr, b.id, 'comment', { comment: '收到' });
    conforms(
      'POST',
      `${A}/instances/:id/comment`,
      await outsider.post(`${A}/instances/${b.id}/comment`, { comment: 'hi' }),
      403,
    );
    expect((await act(mgr, b.id, 'approve')).status).toBe('approved');
    const history = conforms<{ data: Instance[] }>(
      'GET',
      `${A}/instances`,
      await rep.get(`${A}/instances?object=account&record_id=${acc}`),
      200,
    ).data;
    expect(history.map((h) => h.status)).toEqual(['approved', 'returned']);
    expect(history[0]?.steps.filter((s) => s.action === 'comment').map((s) => s.comment)).toEqual([
      '已补充',
      '收到',
    ]);
  });

  it('reassign hands the task over; only pending approvers of the current node act (403)', async () => {
    const t = tag();
    await processFor(t, [
      { name: '经理', kind: 'department_head' },
      { name: '总监', kind: 'user', user_id: ceo.userId },
    ]);
    const a = await submit(await account(t));
    const stranger = await fin1.post(`${A}/instances/${a.id}/approve`, {});
    conforms('POST', `${A}/instances/:id/approve`, stranger, 403);
    expect(json<{ error: { key: string; message: string } }>(stranger).error).toMatchObject({
      key: 'not_current_approver',
      message: '你不是该审批当前节点的待审批人',
    });
    // the next node's approver may not act early
    expect(errorKey(await ceo.post(`${A}/instances/${a.id}/approve`, {}))).toBe('not_current_approver');
    const toSelf = await mgr.post(`${A}/instances/${a.id}/reassign`, { to_user_id: rep.userId });
    conforms('POST', `${A}/instances/:id/reassign`, toSelf, 422);
    conforms(
      'POST',
      `${A}/instances/:id/reassign`,
      await mgr.post(`${A}/instances/${a.id}/reassign`, { to_user_id: 'nobody' }),
      400,
    );
    const moved = await act(mgr, a.id, 'reassign', { to_user_id: vp.userId, comment: '出差，请代批' });
    expect(moved.tasks.map((x) => x.status)).toEqual(['reassigned', 'pending']);
    expect(errorKey(await mgr.post(`${A}/instances/${a.id}/approve`, {}))).toBe('not_current_approver');
    const inbox = json<{ data: Array<{ instance_id: string; reassigned_from: string | null }> }>(
      await vp.get(`${A}/inbox`),
    ).data;
    expect(inbox.find((i) => i.instance_id === a.id)?.reassigned_from).toBeTruthy();
    // reassigning is no decision: the submitter may still withdraw
    expect(moved.can_withdraw).toBe(false); // (the reader is mgr, not the submitter)
    const seen = json<{ data: Instance }>(await rep.get(`${A}/instances/${a.id}`)).data;
    expect(seen.can_withdraw).toBe(true);
    expect((await act(vp, a.id, 'approve')).current_node).toBe(1);
    // an admin moves a task of someone else (an approver who left); others may not
    const ceoTask = json<{ data: Instance }>(await rep.get(`${A}/instances/${a.id}`)).data.tasks.find(
      (x) => x.status === 'pending',
    );
    expect(
      errorKey(
        await vp.post(`${A}/instances/${a.id}/reassign`, { to_user_id: fin1.userId, task_id: ceoTask?.id }),
      ),
    ).toBe('not_current_approver');
    const byAdmin = await act(admin, a.id, 'reassign', { to_user_id: fin1.userId, task_id: ceoTask?.id });
    expect(byAdmin.tasks.filter((x) => x.node_index === 1).map((x) => [x.approver.id, x.status])).toEqual([
      [ceo.userId, 'reassigned'],
      [fin1.userId, 'pending'],
    ]);
    expect((await act(fin1, a.id, 'approve')).status).toBe('approved');
  });

  it('batch approve: one result per task, each on its own', async () => {
    const t = tag();
    await processFor(t, [{ name: '财务', kind: 'user', user_id: fin3.userId }]);
    const a = await submit(await account(t));
    const b = await submit(await account(t));
    const tasks = json<{ data: Array<{ task_id: string; instance_id: string }> }>(
      await fin3.get(`${A}/inbox`),
    ).data.filter((x) => x.instance_id === a.id || x.instance_id === b.id);
    expect(tasks).toHaveLength(2);
    const ghost = crypto.randomUUID();
    const B = `${A}/tasks/batch-approve`;
    const res = conforms<{
      data: Array<{ task_id: string; ok: boolean; status: string | null; error: { key: string } | null }>;
    }>(
      'POST',
      B,
      await fin3.post(B, { task_ids: [...tasks.map((x) => x.task_id), ghost], comment: '批量同意' }),
      200,
    ).data;
    expect(res.map((r) => [r.ok, r.status, r.error?.key ?? null])).toEqual([
      [true, 'approved', null],
      [true, 'approved', null],
      [false, null, 'not_current_approver'],
    ]);
    const twice = json<{ data: Array<{ ok: boolean; error: { key: string } | null }> }>(
      await fin3.post(B, { task_ids: [tasks[0]?.task_id] }),
    ).data;
    expect(twice[0]).toMatchObject({ ok: false, error: { key: 'approval_not_pending' } });
    const badBody = await fin3.post(B, { task_ids: [] });
    conforms('POST', B, badBody, 400);
    expect(json<{ error: { details: Array<{ field: string }> } }>(badBody).error.details[0]?.field).toBe(
      'task_ids',
    );
  });

  it('the module callback runs in the approval transaction: its failure undoes the decision', async () => {
    const t = tag();
    await processFor(t, [{ name: '经理', kind: 'department_head' }]);
    const acc = await account(t, { name: `boom ${t}` });
    const a = await submit(acc);
    const res = await mgr.post(`${A}/instances/${a.id}/approve`, {});
    expect(res.statusCode).toBe(409);
    const still = json<{ data: Instance }>(await rep.get(`${A}/instances/${a.id}`)).data;
    expect(still.status).toBe('pending');
    expect(still.tasks[0]?.status).toBe('pending');
    const rec = json<{ data: { city: string } }>(await rep.get(`/api/v1/objects/account/${acc}`)).data;
    expect(rec.city).toBe('in_approval');
  });

  it('timeout reminders: once per task, after the node timeout, as of a date', async () => {
    const t = tag();
    await processFor(t, [{ name: '经理', kind: 'department_head', timeout_hours: 24 }]);
    const a = await submit(await account(t));
    const J = '/api/v1/admin/jobs/platform.approval_reminders/run';
    const today = new Date().toISOString().slice(0, 10);
    const run = async (asOf: string): Promise<number> => {
      const r = json<{ data: { status: string; result: { reminded: number } } }>(
        await admin.post(J, { as_of: asOf }),
      ).data;
      expect(r.status).toBe('succeeded');
      return r.result.reminded;
    };
    expect(await run(addDays(today, -1))).toBe(0);
    const reminded = await run(addDays(today, 2));
    expect(reminded).toBeGreaterThanOrEqual(1);
    expect(await run(addDays(today, 3))).toBe(0);
    const notes = json<{ data: Array<{ kind: string; title: string; link: string }> }>(
      await mgr.get('/api/v1/notifications'),
    ).data;
    expect(notes.find((n) => n.kind === 'approval.reminder' && n.title.includes(t))?.title).toMatch(
      /^Approval overdue/,
    );
    const inbox = json<{ data: Array<{ instance_id: string; overdue: boolean }> }>(
      await mgr.get(`${A}/inbox`),
    ).data;
    expect(inbox.find((i) => i.instance_id === a.id)?.overdue).toBe(false);
  });

  it('bad input answers 4xx naming the field; submitters need read access to the record', async () => {
    const S = `${A}/submit`;
    const bad = await rep.post(S, { object: 'account', record_id: 'nope' });
    conforms('POST', S, bad, 400);
    expect(json<{ error: { details: Array<{ field: string }> } }>(bad).error.details[0]?.field).toBe(
      'record_id',
    );
    conforms('POST', S, await rep.post(S, { object: 'no_such', record_id: crypto.randomUUID() }), 404);
    conforms('POST', S, await rep.post(S, { object: 'account', record_id: crypto.randomUUID() }), 404);
    const t = tag();
    await processFor(t, [{ name: '经理', kind: 'department_head' }]);
    // another rep's account: not readable by this rep (scope own)
    const theirs = await account(t, {}, outsider);
    conforms('POST', S, await rep.post(S, { object: 'account', record_id: theirs }), 404);
    // the outsider has no department: no head to ask
    const noHead = await outsider.post(S, { object: 'account', record_id: theirs });
    conforms('POST', S, noHead, 422);
    expect(
      json<{ error: { details: Array<{ field: string; code: string }> } }>(noHead).error.details[0],
    ).toMatchObject({
      field: 'process.nodes[0]',
      code: 'approver_not_found',
    });
    conforms(
      'POST',
      `${A}/instances/:id/approve`,
      await mgr.post(`${A}/instances/${crypto.randomUUID()}/approve`, {}),
      404,
    );
    conforms(
      'POST',
      `${A}/instances/:id/approve`,
      await mgr.post(`${A}/instances/x/approve`, { extra: 1 }),
      400,
    );
    conforms('GET', `${A}/instances`, await rep.get(`${A}/instances?object=account`), 400);
  });
});

describe('tenant isolation', () => {
  it("another tenant's admin sees none of it and changes nothing", async () => {
    const t = tag();
    const proc = await processFor(t, [{ name: '经理', kind: 'department_head' }]);
    const acc = await account(t);
    const inst = await submit(acc);
    const task = inst.tasks[0]?.id ?? '';
    const dept = json<{ data: Array<{ department_id: string }> }>(await admin.get(`${A}/department-heads`))
      .data[0]?.department_id;
    const other = await newTenant(built);
    const b = await login(built.app, other.adminEmail);
    const bDept = json<{ data: { id: string } }>(
      await b.post('/api/v1/admin/departments', { name: 'B', parent_id: null }),
    ).data.id;
    const calls: Array<[string, Promise<LightMyRequestResponse>]> = [
      ['get process', b.get(`${A}/processes/${proc}`)],
      [
        'put process',
        b.put(`${A}/processes/${proc}`, {
          name: 'x',
          object: 'account',
          triggers: ['manual'],
          nodes: [{ name: 'a', kind: 'department_head' }],
        }),
      ],
      ['delete process', b.delete(`${A}/processes/${proc}`)],
      ['department head', b.put(`${A}/department-heads/${dept}`, { head_user_id: null })],
      ['submit', b.post(`${A}/submit`, { object: 'account', record_id: acc })],
      ['instance', b.get(`${A}/instances/${inst.id}`)],
      ['approve', b.post(`${A}/instances/${inst.id}/approve`, {})],
      ['withdraw', b.post(`${A}/instances/${inst.id}/withdraw`, {})],
      ['comment', b.post(`${A}/instances/${inst.id}/comment`, { comment: 'x' })],
      ['reassign', b.post(`${A}/instances/${inst.id}/reassign`, { to_user_id: rep.userId, task_id: task })],
    ];
    for (const [name, p] of calls) expect((await p).statusCode, name).toBe(404);
    expect(
      json<{ data: unknown[] }>(await b.get(`${A}/instances?object=account&record_id=${acc}`)).data,
    ).toEqual([]);
    expect(json<{ data: unknown[] }>(await b.get(`${A}/processes`)).data).toEqual([]);
    const batch = json<{ data: Array<{ ok: boolean }> }>(
      await b.post(`${A}/tasks/batch-approve`, { task_ids: [task] }),
    ).data;
    expect(batch[0]?.ok).toBe(false);
    const foreignHead = await b.put(`${A}/department-heads/${bDept}`, { head_user_id: mgr.userId });
    expect(json<{ error: { details: Array<{ field: string }> } }>(foreignHead).error.details[0]?.field).toBe(
      'head_user_id',
    );
    const still = json<{ data: Instance }>(await rep.get(`${A}/instances/${inst.id}`)).data;
    expect(still.status).toBe('pending');
    expect(still.steps.map((x) => x.action)).toEqual(['submit']);
  });
});

/** The actor of a signed-in client, for calling the service the way a module does. */
async function actorOf(c: Client) {
  const { loadActor } = await import('../src/platform/identity/actor.ts');
  const a = await loadActor(built.platform.db, tenantId, { userId: c.userId });
  if (!a) throw new Error('no actor');
  return a;
}
