import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { BuiltApp } from '../src/app.ts';
import { conformsTo, json, login, newTenant, testApp, userWithRole, type Client } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };
type ErrBody = { error: { details: { field: string }[] } };

let built: BuiltApp;
let admin: Client;

beforeAll(async () => {
  built = await testApp();
  const t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
});
afterAll(async () => built.close());

async function department(name: string, parent: string | null = null): Promise<string> {
  const res = await admin.post('/api/v1/admin/departments', { name, parent_id: parent });
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: { id: string } }>(res).data.id;
}

async function settings(patch: Record<string, unknown>): Promise<LightMyRequestResponse> {
  const cur = json<{ data: Record<string, unknown> }>(await admin.get('/api/v1/leads/settings')).data;
  return admin.put('/api/v1/leads/settings', { ...cur, ...patch });
}

async function capture(body: Record<string, unknown>): Promise<{ lead_id: string; owner_id: string | null }> {
  const res = await admin.post('/api/v1/leads/capture', body);
  expect(res.statusCode, res.body).toBe(201);
  return json<{ data: { lead_id: string; owner_id: string | null } }>(res).data;
}

const MEMBERS = '/api/v1/leads/pools/:id/members';

describe('departments as lead pool members', () => {
  it('lets everyone in a member department (and its sub-departments) claim, see and receive the pool leads', async () => {
    const east = await department('华东销售部');
    const shanghai = await department('上海组', east);
    const other = await department('华北销售部');
    const inEast = await userWithRole(admin, 'sales_rep', east);
    const inShanghai = await userWithRole(admin, 'sales_rep', shanghai);
    const outside = await userWithRole(admin, 'sales_rep', other);
    const pool = json<{ data: Rec }>(
      await admin.post('/api/v1/objects/lead_pool', { name: '部门池', claim_cap: 5 }),
    ).data.id;

    // bad department ids: 422 naming the field, nothing saved
    for (const bad of ['nope', crypto.randomUUID()]) {
      const res = await admin.put(`/api/v1/leads/pools/${pool}/members`, {
        members: [],
        departments: [{ department_id: bad, role: 'member' }],
      });
      expect(res.statusCode, res.body).toBe(422);
      expect(json<ErrBody>(res).error.details.map((d) => d.field)).toContain('departments');
    }
    // only tenant admins set members
    expect(
      (await inEast.put(`/api/v1/leads/pools/${pool}/members`, { members: [], departments: [] })).statusCode,
    ).toBe(403);
    const put = await admin.put(`/api/v1/leads/pools/${pool}/members`, {
      members: [],
      departments: [{ department_id: east, role: 'member' }],
    });
    expect(put.statusCode, put.body).toBe(204);
    // a PUT without departments keeps them
    expect((await admin.put(`/api/v1/leads/pools/${pool}/members`, { members: [] })).statusCode).toBe(204);
    const seen = conformsTo<{
      data: unknown[];
      departments: { department_id: string; role: string; name: string }[];
      my_role: string | null;
    }>(built.app, 'GET', MEMBERS, await inShanghai.get(`/api/v1/leads/pools/${pool}/members`), 200);
    expect(seen).toMatchObject({
      data: [],
      departments: [{ department_id: east, role: 'member', name: '华东销售部' }],
      my_role: 'member',
    });
    // outsiders do not see the pool at all
    expect((await outside.get(`/api/v1/leads/pools/${pool}/members`)).statusCode).toBe(404);

    // unassigned leads of the pool: visible to the department and its sub-department only
    const a = await capture({ name: '部门线索一', mobile: '13911110001', pool_id: pool });
    const b = await capture({ name: '部门线索二', mobile: '13911110002', pool_id: pool });
    expect(a.owner_id).toBeNull();
    const list = async (c: Client) =>
      json<{ data: Rec[] }>(await c.get(`/api/v1/objects/lead?filter[pool_id][eq]=${pool}`)).data.map(
        (l) => l.id,
      );
    expect(await list(inShanghai)).toEqual(expect.arrayContaining([a.lead_id, b.lead_id]));
    expect(await list(inEast)).toEqual(expect.arrayContaining([a.lead_id, b.lead_id]));
    expect(await list(outside)).toEqual([]);

    // claim: members by department may, others may not
    const refused = await outside.post(`/api/v1/leads/${a.lead_id}/claim`);
    expect([403, 404]).toContain(refused.statusCode);
    expect((await inShanghai.post(`/api/v1/leads/${a.lead_id}/claim`)).statusCode).toBe(204);
    expect((await inEast.post(`/api/v1/leads/${b.lead_id}/claim`)).statusCode).toBe(204);
    const owner = async (id: string) =>
      json<{ data: Rec }>(await admin.get(`/api/v1/objects/lead/${id}`)).data.owner_id;
    expect(await owner(a.lead_id)).toBe(inShanghai.userId);
    expect(await owner(b.lead_id)).toBe(inEast.userId);

    // an admin department makes its people pool admins
    await admin.put(`/api/v1/leads/pools/${pool}/members`, {
      members: [],
      departments: [
        { department_id: shanghai, role: 'admin' },
        { department_id: east, role: 'member' },
      ],
    });
    expect(
      json<{ my_role: string }>(await inShanghai.get(`/api/v1/leads/pools/${pool}/members`)).my_role,
    ).toBe('admin');
    expect(json<{ my_role: string }>(await inEast.get(`/api/v1/leads/pools/${pool}/members`)).my_role).toBe(
      'member',
    );

    // round robin over the pool's members: department people get leads
    const badRule = await settings({
      assignmentRules: [
        {
          id: 'pool',
          name: '池成员轮询',
          conditions: [],
          strategy: 'round_robin',
          members: [],
          dailyCap: 0,
          paused: [],
          poolId: crypto.randomUUID(),
        },
      ],
    });
    expect(badRule.statusCode, badRule.body).toBe(422);
    expect(json<ErrBody>(badRule).error.details.map((d) => d.field)).toContain('assignmentRules.0.poolId');
    const noOne = await settings({
      assignmentRules: [
        {
          id: 'pool',
          name: '池成员轮询',
          conditions: [],
          strategy: 'round_robin',
          members: [],
          dailyCap: 0,
          paused: [],
        },
      ],
    });
    expect(noOne.statusCode).toBe(422);
    const ok = await settings({
      assignmentRules: [
        {
          id: 'pool',
          name: '池成员轮询',
          conditions: [],
          strategy: 'round_robin',
          members: [],
          dailyCap: 0,
          paused: [],
          poolId: pool,
        },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const owners = [];
    for (let i = 0; i < 4; i++)
      owners.push((await capture({ name: `轮询${i}`, mobile: `1391111002${i}` })).owner_id);
    expect(new Set(owners)).toEqual(new Set([inEast.userId, inShanghai.userId]));
    expect(owners).not.toContain(outside.userId);
    await settings({ assignmentRules: [] });

    // a lead waiting too long: the timers tell the pool admins, also those by department
    await capture({ name: '等待分配', mobile: '13911110099', pool_id: pool });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const asOf = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const run = await admin.post('/api/v1/admin/jobs/leads.timers/run', { as_of: asOf });
    expect(run.statusCode, run.body).toBeLessThan(300);
    const kinds = async (c: Client) =>
      json<{ data: { kind: string }[] }>(await c.get('/api/v1/notifications')).data.map((n) => n.kind);
    expect(await kinds(inShanghai)).toContain('lead.unassigned');
    expect(await kinds(inEast)).not.toContain('lead.unassigned');
    expect(await kinds(outside)).not.toContain('lead.unassigned');
  });
});

async function upload(c: Client, content: string): Promise<LightMyRequestResponse> {
  const boundary = '----flywheel' + Date.now();
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="leads.csv"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return built.app.inject({
    method: 'POST',
    url: '/api/v1/objects/lead/imports',
    headers: { ...c.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([head, Buffer.from(content, 'utf8'), tail]),
  });
}

describe('lead import and the review queue', () => {
  it('merges exact repeats, flags review-only (company) matches like capture, leaves new people alone', async () => {
    const existing = (
      await capture({ name: '星辰老客', mobile: '13822220001', company: '星辰数据科技有限公司' })
    ).lead_id;
    const csv = [
      'name,mobile,company',
      '星辰重复,13822220001,',
      '星辰另一人,13822220002,星辰数据科技有限公司',
      '全新的人,13822220003,完全无关的贸易行',
    ].join('\n');
    const up = await upload(admin, csv);
    expect(up.statusCode, up.body).toBe(201);
    const job = json<{ data: { id: string } }>(up).data;
    expect((await admin.patch(`/api/v1/imports/${job.id}`, { policy: 'create' })).statusCode).toBe(200);
    expect((await admin.post(`/api/v1/imports/${job.id}/run`)).statusCode).toBe(202);
    let done: Record<string, unknown> = {};
    for (let i = 0; i < 200; i++) {
      done = json<{ data: Record<string, unknown> }>(await admin.get(`/api/v1/imports/${job.id}`)).data;
      if (done.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(done).toMatchObject({ status: 'completed', created_rows: 2, updated_rows: 1, failed_rows: 0 });
    const byMobile = async (m: string) =>
      json<{ data: Rec[] }>(await admin.get(`/api/v1/objects/lead?filter[mobile][eq]=%2B86${m}`)).data;
    const flagged = (await byMobile('13822220002'))[0];
    const fresh = (await byMobile('13822220003'))[0];
    expect(flagged?.duplicate_of).toBe(existing);
    expect(fresh?.duplicate_of ?? null).toBeNull();
    expect(await byMobile('13822220001')).toHaveLength(1);
    const review = json<{ data: { lead: Rec; candidate: Rec | null }[] }>(
      await admin.get('/api/v1/leads/duplicates/review'),
    ).data;
    expect(review.find((r) => r.lead.id === flagged?.id)?.candidate?.id).toBe(existing);
    expect(review.some((r) => r.lead.id === fresh?.id)).toBe(false);
  });
});
