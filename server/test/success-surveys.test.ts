// NPS and CSAT surveys (issue 9, docs/ENGAGEMENT.md "Surveys (NPS and CSAT)"): sending single-use
// links by e-mail (captured in the mail outbox), the public page's two endpoints (only the
// questions and the company name exposed; bad, reused, expired and unknown links refused), a red
// light for an unhappy key user (one per customer and round), the call-back when it closes,
// hand-checked NPS/CSAT results and who sees which responses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { BuiltApp } from '../src/app.ts';
import { TenantDb } from '../src/platform/db/tenant-db.ts';
import { loadConfig } from '../src/config.ts';
import { todayIn } from '../src/platform/jobs/dates.rules.ts';
import {
  conformsTo,
  json,
  login,
  newTenant,
  testApp,
  userWithRole,
  type Client,
  type TestTenant,
} from './harness.ts';

type Err = { error: { code: string; key: string; details: { field: string; code: string }[] } };
const issues = (r: { json(): unknown }) =>
  (r.json() as Err).error.details.map((d) => `${d.field}:${d.code}`).sort();
const key = (r: { json(): unknown }) => (r.json() as Err).error.key;

let built: BuiltApp;
let t: TestTenant;
let admin: Client;
let csm1: Client;
let csm2: Client;
let director: Client;
let salesRep: Client;
const acc: Record<string, string> = {};
const con: Record<string, string> = {};
const tokens: Record<string, string> = {};
let npsId = '';
let csatId = '';
const tdb = () => TenantDb.for(built.platform.db, t.tenantId);

const PUB = '/api/v1/public/surveys/:token';
const pub = (token: string, lang?: string) =>
  built.app.inject({ method: 'GET', url: `/api/v1/public/surveys/${token}${lang ? `?lang=${lang}` : ''}` });
const answer = (token: string, body: unknown) =>
  built.app.inject({
    method: 'POST',
    url: `/api/v1/public/surveys/${token}`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

/** The survey link mailed to `email` (the last one), read from the mail outbox. */
async function linkMailedTo(email: string): Promise<string> {
  const rows = await tdb().query(sql<{ body: string }>`select body from mail_outbox
    where tenant_id = ${t.tenantId} and to_address = ${email} order by created_at desc limit 1`);
  const m = /\/s\/([A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+)/.exec(rows[0]?.body ?? '');
  expect(m?.[1], `mail to ${email}`).toBeTruthy();
  return m?.[1] ?? '';
}

async function dept(n: string): Promise<string> {
  return json<{ data: { id: string } }>(
    await admin.post('/api/v1/admin/departments', { name: n, parent_id: null }),
  ).data.id;
}

const lightsOf = (account: string) =>
  tdb().query(sql<{
    id: string;
    color: string;
    source: string;
    survey_response_id: string | null;
    status: string;
  }>`
    select id, color, source, survey_response_id, status from traffic_light
    where tenant_id = ${t.tenantId} and account_id = ${account} order by created_at`);

const responseOf = async (contact: string, survey: string) =>
  (
    await tdb().query(sql<{
      id: string;
      score: number;
      category: string;
      key_user: boolean;
      light_id: string | null;
      owner_id: string | null;
      callback_task_id: string | null;
    }>`select id, score, category, key_user, light_id, owner_id, callback_task_id from survey_response
      where tenant_id = ${t.tenantId} and contact_id = ${con[contact]} and survey_id = ${survey}`)
  )[0];

beforeAll(async () => {
  built = await testApp();
  t = await newTenant(built);
  admin = await login(built.app, t.adminEmail);
  const east = await dept('华东客户成功部');
  const north = await dept('华北客户成功部');
  csm1 = await userWithRole(admin, 'csm', east);
  csm2 = await userWithRole(admin, 'csm', north);
  director = await userWithRole(admin, 'cs_director', east);
  salesRep = await userWithRole(admin, 'sales_rep', east);
  for (const [k, csm] of [
    ['A', csm1.userId],
    ['B', csm2.userId],
    ['C', csm1.userId],
  ] as const) {
    const r = await admin.post('/api/v1/objects/account', { name: `${k} 问卷科技有限公司`, csm_id: csm });
    expect(r.statusCode, r.body).toBe(201);
    acc[k] = json<{ data: { id: string } }>(r).data.id;
  }
  const people: [string, string, Record<string, unknown>][] = [
    // A: a flagged key user, a system admin, an ordinary user, a key user without e-mail
    ['a1', 'A', { name: '张伟', email: 'a1@a.test', is_key_user: true, role: 'user' }],
    ['a2', 'A', { name: '王芳', email: 'a2@a.test', role: 'system_admin' }],
    ['a3', 'A', { name: '李娜', email: 'a3@a.test', role: 'user' }],
    ['a4', 'A', { name: '刘洋', is_key_user: true }],
    ['b1', 'B', { name: '陈静', email: 'b1@b.test', role: 'department_head' }],
    ['b2', 'B', { name: '杨磊', email: 'b2@b.test', role: 'user' }],
    ['c1', 'C', { name: '赵敏', email: 'c1@c.test', role: 'user' }],
  ];
  for (const [k, a, body] of people) {
    const r = await admin.post('/api/v1/objects/contact', { ...body, account_id: acc[a] });
    expect(r.statusCode, r.body).toBe(201);
    con[k] = json<{ data: { id: string } }>(r).data.id;
  }
  const mk = async (body: Record<string, unknown>) => {
    const r = await admin.post('/api/v1/objects/survey', body);
    expect(r.statusCode, r.body).toBe(201);
    return json<{ data: { id: string } }>(r).data.id;
  };
  npsId = await mk({ name: '2026 年度 NPS', kind: 'nps', intro: '感谢您抽出一分钟', expires_days: 14 });
  csatId = await mk({ name: '上线满意度', kind: 'csat', status: 'active' });
});

afterAll(async () => {
  await built?.close();
});

describe('survey definitions', () => {
  it('extra questions are checked and stored', async () => {
    const bad = await admin.put(`/api/v1/surveys/${npsId}/questions`, {
      questions: [{ key: 'Bad', label: '', type: 'choice', options: ['x'] }],
    });
    expect(bad.statusCode).toBe(422);
    expect(issues(bad)).toEqual([
      'questions[0].key:invalid_value',
      'questions[0].label:required',
      'questions[0].options:invalid_value',
    ]);
    const ok = await admin.put(`/api/v1/surveys/${npsId}/questions`, {
      questions: [
        {
          key: 'module',
          label: '您最常用哪个模块？',
          type: 'choice',
          options: ['CRM', 'BI'],
          required: true,
        },
        { key: 'wish', label: '还有什么建议？', type: 'text', required: false },
      ],
    });
    const body = conformsTo<{ data: { version: number; questions: unknown[] } }>(
      built.app,
      'PUT',
      '/api/v1/surveys/:id/questions',
      ok,
      200,
    );
    expect(body.data.questions).toHaveLength(2);
    // CSMs read every definition (an admin wrote it) but change none
    expect((await csm1.get(`/api/v1/objects/survey/${npsId}`)).statusCode).toBe(200);
    expect((await csm1.get(`/api/v1/surveys/${npsId}/questions`)).statusCode).toBe(200);
    const csm = await csm1.put(`/api/v1/surveys/${npsId}/questions`, { questions: [] });
    expect(csm.statusCode).toBe(403);
    expect(key(csm)).toBe('survey_admin_only');
  });

  it('keys are never reused: a new question gets a fresh key, a removed one is refused', async () => {
    const r = await admin.post('/api/v1/objects/survey', { name: '问题标识', kind: 'csat' });
    const id = json<{ data: { id: string } }>(r).data.id;
    const put = (questions: unknown[]) => admin.put(`/api/v1/surveys/${id}/questions`, { questions });
    type Q = { data: { questions: { key: string; label: string }[]; retired_keys: string[] } };
    const q1 = { key: 'q1', label: '一', type: 'text', required: false };
    const q2 = { key: 'q2', label: '二', type: 'choice', options: ['是', '否'], required: false };
    const q3 = { key: 'q3', label: '三', type: 'text', required: false };
    expect(json<Q>(await put([q1, q2, q3])).data.retired_keys).toEqual([]);
    // the highest-numbered question goes: its key is kept as used
    const removed = conformsTo<Q>(
      built.app,
      'PUT',
      '/api/v1/surveys/:id/questions',
      await put([q1, q2]),
      200,
    );
    expect(removed.data.retired_keys).toEqual(['q3']);
    // a question sent without a key is new: it gets q4, never q3 again
    const added = json<Q>(await put([q1, q2, { label: '新问题', type: 'text' }])).data;
    expect(added.questions.map((q) => `${q.key}:${q.label}`)).toEqual(['q1:一', 'q2:二', 'q4:新问题']);
    const again = await put([q1, q2, { ...q3, label: '另一个问题' }]);
    expect(again.statusCode).toBe(422);
    expect(issues(again)).toEqual(['questions[2].key:key_retired']);
    // keys sent for the questions a survey has keep them (moved, relabelled)
    const moved = json<Q>(await put([{ ...q2, label: '二（改）' }, q1])).data;
    expect(moved.questions.map((q) => q.key)).toEqual(['q2', 'q1']);
    expect(moved.retired_keys.sort()).toEqual(['q3', 'q4']);
    const stored = json<Q>(await admin.get(`/api/v1/surveys/${id}/questions`)).data;
    expect(stored.retired_keys.sort()).toEqual(['q3', 'q4']);
    const next = json<Q>(await put([q2, q1, { label: '再加一个', type: 'text' }])).data;
    expect(next.questions[2]?.key).toBe('q5');
  });

  it('a draft survey is not sent', async () => {
    const r = await admin.post(`/api/v1/surveys/${npsId}/send`, { round: '2026-01', account_ids: [acc.A] });
    expect(r.statusCode).toBe(409);
    expect(key(r)).toBe('survey_not_active');
    const v = json<{ data: { version: number } }>(await admin.get(`/api/v1/objects/survey/${npsId}`)).data
      .version;
    expect(
      (await admin.patch(`/api/v1/objects/survey/${npsId}`, { status: 'active', version: v })).statusCode,
    ).toBe(200);
  });
});

describe('sending', () => {
  it('invites the key users of a customer and chosen contacts; no e-mail is reported', async () => {
    const r = await admin.post(`/api/v1/surveys/${npsId}/send`, {
      round: '2026-01',
      account_ids: [acc.A, acc.B],
      contact_ids: [con.a3, con.b2, con.c1],
    });
    const d = conformsTo<{
      data: {
        invited: { contact_id: string; mail: string }[];
        skipped: { contact_id: string; reason: string }[];
        accounts_without_key_users: string[];
      };
    }>(built.app, 'POST', '/api/v1/surveys/:id/send', r, 200).data;
    const name = (id: string) => Object.entries(con).find(([, v]) => v === id)?.[0];
    expect(d.invited.map((i) => name(i.contact_id)).sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
    expect(d.invited.every((i) => i.mail === 'stored')).toBe(true);
    expect(d.skipped.map((s) => `${name(s.contact_id)}:${s.reason}`)).toEqual(['a4:no_email']);
    expect(d.accounts_without_key_users).toEqual([]);
    for (const c of ['a1', 'a2', 'a3', 'b1', 'b2', 'c1']) tokens[c] = await linkMailedTo(`${c}@${c[0]}.test`);
    // the mail is in the tenant's language and names the company; only a hash of the secret is kept
    const mail = await tdb().one(sql<{ subject: string; body: string }>`select subject, body from mail_outbox
      where tenant_id = ${t.tenantId} and to_address = 'a1@a.test'`);
    expect(mail?.subject).toBe(`Tenant ${t.slug}邀请您参与满意度调查`);
    expect(mail?.body).toContain('张伟，您好');
    const secret = (tokens.a1 ?? '').split('.')[1] ?? 'missing';
    const stored = await tdb().query(sql<{
      row: string;
    }>`select row_to_json(i)::text as row from survey_invitation i
      where tenant_id = ${t.tenantId}`);
    expect(stored).toHaveLength(6);
    expect(stored.some((s) => s.row.includes(secret))).toBe(false);
  });

  it('one invitation per survey, round and contact', async () => {
    const r = await admin.post(`/api/v1/surveys/${npsId}/send`, { round: '2026-01', contact_ids: [con.a1] });
    const d = json<{ data: { invited: unknown[]; skipped: { reason: string }[] } }>(r).data;
    expect(d.invited).toEqual([]);
    expect(d.skipped.map((s) => s.reason)).toEqual(['already_invited']);
  });

  it('bad input names the field; a CSM sends only to customers they read', async () => {
    const r = await admin.post(`/api/v1/surveys/${npsId}/send`, { round: '', contact_ids: ['x'] });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual(['contact_ids[0]:invalid_value', 'round:required']);
    const none = await admin.post(`/api/v1/surveys/${npsId}/send`, { round: 'r' });
    expect(issues(none)).toEqual(['contact_ids:required']);
    const other = await csm2.post(`/api/v1/surveys/${npsId}/send`, {
      round: '2026-02',
      contact_ids: [con.a1],
    });
    expect(other.statusCode).toBe(422);
    expect(issues(other)).toEqual(['contact_ids[0]:unknown_contact']);
    const otherAcc = await csm2.post(`/api/v1/surveys/${npsId}/send`, {
      round: '2026-02',
      account_ids: [acc.A],
    });
    expect(issues(otherAcc)).toEqual(['account_ids[0]:unknown_customer']);
  });
});

describe('the public link', () => {
  it('shows the questions and the company name, nothing else', async () => {
    const r = await pub(tokens.a3 ?? '');
    const d = conformsTo<{ data: Record<string, unknown> & { survey: Record<string, unknown> } }>(
      built.app,
      'GET',
      PUB,
      r,
      200,
    ).data;
    expect(Object.keys(d).sort()).toEqual(['company', 'expires_at', 'locale', 'survey']);
    expect(d).toMatchObject({ locale: 'zh-CN', company: `Tenant ${t.slug}` });
    expect(Object.keys(d.survey).sort()).toEqual([
      'comment_label',
      'comment_max',
      'intro',
      'kind',
      'name',
      'question',
      'questions',
      'scale',
    ]);
    expect(d.survey).toMatchObject({
      kind: 'nps',
      intro: '感谢您抽出一分钟',
      question: `您有多大可能向朋友或同事推荐Tenant ${t.slug}？`,
      scale: { min: 0, max: 10 },
    });
    const raw = r.body;
    for (const secret of ['李娜', 'a3@a.test', acc.A, con.a3, '问卷科技']) expect(raw).not.toContain(secret);
    const en = json<{ data: { locale: string; survey: { question: string } } }>(
      await pub(tokens.a3 ?? '', 'en-US'),
    );
    expect(en.data.locale).toBe('en-US');
    expect(en.data.survey.question).toBe(
      `How likely are you to recommend Tenant ${t.slug} to a friend or colleague?`,
    );
  });

  it('unknown, malformed and forged links are 404 and say nothing', async () => {
    const forged = `${(tokens.a3 ?? '').split('.')[0]}.${'B'.repeat(43)}`;
    const ids = Buffer.from(`${t.tenantId.replace(/-/g, '')}${'0'.repeat(32)}`, 'hex').toString('base64url');
    const unknown = `${ids}.${'C'.repeat(43)}`;
    for (const tok of [forged, unknown, 'nonsense']) {
      const g = await pub(tok);
      expect(g.statusCode, tok).toBe(404);
      expect(key(g)).toBe('survey_link_not_found');
      const p = await answer(tok, { score: 5 });
      expect(p.statusCode).toBe(404);
      expect(key(p)).toBe('survey_link_not_found');
    }
  });

  it('validates the answer and names the fields', async () => {
    const r = await answer(tokens.a3 ?? '', {
      score: 11,
      comment: 'x'.repeat(2001),
      answers: { module: 'ERP', unknown: 'x' },
    });
    expect(r.statusCode).toBe(422);
    expect(issues(r)).toEqual([
      'answers.module:invalid_option',
      'answers.unknown:unknown_field',
      'comment:too_long',
      'score:score_out_of_range',
    ]);
    const missing = await answer(tokens.a3 ?? '', { score: 3 });
    expect(issues(missing)).toEqual(['answers.module:required']);
  });

  it('links point at FLYWHEEL_PUBLIC_URL when it is set, whatever Origin the sender sends', async () => {
    const env = process.env.FLYWHEEL_PUBLIC_URL;
    try {
      process.env.FLYWHEEL_PUBLIC_URL = 'https://crm.example.com/';
      expect(loadConfig().publicUrl).toBe('https://crm.example.com');
      for (const bad of ['crm.example.com', 'ftp://crm.example.com', 'https://crm.example.com/app']) {
        process.env.FLYWHEEL_PUBLIC_URL = bad;
        expect(() => loadConfig()).toThrow(/FLYWHEEL_PUBLIC_URL/);
      }
    } finally {
      if (env === undefined) delete process.env.FLYWHEEL_PUBLIC_URL;
      else process.env.FLYWHEEL_PUBLIC_URL = env;
    }
    const before = built.platform.config.publicUrl;
    built.platform.config.publicUrl = 'https://crm.example.com';
    try {
      const r = await built.app.inject({
        method: 'POST',
        url: `/api/v1/surveys/${npsId}/send`,
        headers: {
          ...admin.headers,
          origin: 'https://phish.example.net',
          'content-type': 'application/json',
        },
        payload: JSON.stringify({ round: '2026-01-public', contact_ids: [con.b2] }),
      });
      expect(r.statusCode, r.body).toBe(200);
      const mail = await tdb().one(sql<{ body: string }>`select body from mail_outbox
        where tenant_id = ${t.tenantId} and to_address = 'b2@b.test' order by created_at desc limit 1`);
      expect(mail?.body).toContain('https://crm.example.com/s/');
      expect(mail?.body).not.toContain('phish.example.net');
    } finally {
      built.platform.config.publicUrl = before;
    }
  });

  it('a detractor who is not a key user opens no light; the link works once', async () => {
    const r = await answer(tokens.a3 ?? '', {
      score: 2,
      comment: '报表太慢',
      answers: { module: 'BI', wish: '导出报表要更快' },
    });
    conformsTo(built.app, 'POST', PUB, r, 200);
    expect(await responseOf('a3', npsId)).toMatchObject({
      score: 2,
      category: 'detractor',
      key_user: false,
      light_id: null,
      owner_id: csm1.userId,
    });
    expect(await lightsOf(acc.A ?? '')).toEqual([]);
    const again = await answer(tokens.a3 ?? '', { score: 10, answers: { module: 'BI' } });
    expect(again.statusCode).toBe(409);
    expect(key(again)).toBe('survey_link_used');
    const view = await pub(tokens.a3 ?? '');
    expect(view.statusCode).toBe(409);
    expect(key(view)).toBe('survey_link_used');
  });

  it('an expired link is refused with 410', async () => {
    await tdb().exec0(sql`update survey_invitation set expires_at = now() - interval '1 minute'
      where tenant_id = ${t.tenantId} and contact_id = ${con.c1}`);
    const g = await pub(tokens.c1 ?? '');
    expect(g.statusCode).toBe(410);
    expect(key(g)).toBe('survey_link_expired');
    const p = await answer(tokens.c1 ?? '', { score: 10, answers: { module: 'CRM' } });
    expect(p.statusCode).toBe(410);
    expect(key(p)).toBe('survey_link_expired');
    expect(await responseOf('c1', npsId)).toBeUndefined();
  });
});

describe('red lights from unhappy key users', () => {
  it('a key-user detractor opens a red light; a second one in the round joins it', async () => {
    expect(
      (
        await answer(tokens.a1 ?? '', {
          score: 3,
          comment: '经常宕机',
          answers: { module: 'CRM', wish: '希望有移动端' },
        })
      ).statusCode,
    ).toBe(200);
    const lights = await lightsOf(acc.A ?? '');
    expect(lights).toHaveLength(1);
    const a1 = await responseOf('a1', npsId);
    expect(lights[0]).toMatchObject({
      color: 'red',
      source: 'survey',
      survey_response_id: a1?.id,
      status: 'open',
    });
    expect(a1).toMatchObject({ key_user: true, category: 'detractor', light_id: lights[0]?.id });
    // a2 is the system administrator: a key user by role; same customer and round → same light
    expect((await answer(tokens.a2 ?? '', { score: 5, answers: { module: 'CRM' } })).statusCode).toBe(200);
    expect(await lightsOf(acc.A ?? '')).toHaveLength(1);
    expect((await responseOf('a2', npsId))?.light_id).toBe(lights[0]?.id);
    // key users of B are happy: no light
    expect(
      (await answer(tokens.b1 ?? '', { score: 10, answers: { module: 'BI', wish: '很好用' } })).statusCode,
    ).toBe(200);
    expect((await answer(tokens.b2 ?? '', { score: 9, answers: { module: 'BI' } })).statusCode).toBe(200);
    expect(await lightsOf(acc.B ?? '')).toEqual([]);
  });

  it('closing the light gives the CSM a call-back task; its outcome is recorded on the response', async () => {
    const a1 = await responseOf('a1', npsId);
    const a3 = await responseOf('a3', npsId);
    const lightId = a1?.light_id ?? '';
    const early = await csm1.post(`/api/v1/survey-responses/${a1?.id}/callback`, { outcome: '已回访' });
    expect(early.statusCode).toBe(409);
    expect(key(early)).toBe('survey_callback_not_due');
    const res = await admin.post(`/api/v1/lights/${lightId}/resolve`, {
      root_cause: 'defect',
      note: '修复了数据库连接池问题',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await admin.post(`/api/v1/lights/${lightId}/close`, {})).statusCode).toBe(200);
    const after = await responseOf('a1', npsId);
    expect(after?.callback_task_id).toBeTruthy();
    const task = await tdb().one(sql<{
      owner_id: string;
      status: string;
      account_id: string;
      contact_id: string;
    }>`
      select owner_id, status, account_id, contact_id from task where tenant_id = ${t.tenantId} and id = ${after?.callback_task_id}`);
    expect(task).toEqual({ owner_id: csm1.userId, status: 'open', account_id: acc.A, contact_id: con.a1 });
    const bad = await csm1.post(`/api/v1/survey-responses/${a1?.id}/callback`, { outcome: ' ' });
    expect(issues(bad)).toEqual(['outcome:required']);
    const ok = await csm1.post(`/api/v1/survey-responses/${a1?.id}/callback`, {
      outcome: '客户确认已恢复稳定',
    });
    const view = conformsTo<{ data: { callback_outcome: string; callback_by: string } }>(
      built.app,
      'POST',
      '/api/v1/survey-responses/:id/callback',
      ok,
      200,
    ).data;
    expect(view).toMatchObject({ callback_outcome: '客户确认已恢复稳定', callback_by: csm1.userId });
    const done = await tdb().one(sql<{ status: string }>`select status from task
      where tenant_id = ${t.tenantId} and id = ${after?.callback_task_id}`);
    expect(done?.status).toBe('done');
    // a response whose light never existed has no call-back
    expect(
      (await csm1.post(`/api/v1/survey-responses/${a3?.id}/callback`, { outcome: 'x' })).statusCode,
    ).toBe(409);
  });

  it('CSAT: a dissatisfied key user opens a light too; neutral and satisfied do not', async () => {
    const r = await admin.post(`/api/v1/surveys/${csatId}/send`, {
      round: '上线验收',
      contact_ids: [con.a1, con.a3, con.b2],
    });
    expect(r.statusCode, r.body).toBe(200);
    const tok = {
      a1: await linkMailedTo('a1@a.test'),
      a3: await linkMailedTo('a3@a.test'),
      b2: await linkMailedTo('b2@b.test'),
    };
    const page = json<{ data: { survey: { scale: { min: number; max: number } } } }>(await pub(tok.a1));
    expect(page.data.survey.scale).toMatchObject({ min: 1, max: 5 });
    expect(issues(await answer(tok.a1, { score: 0 }))).toEqual(['score:score_out_of_range']);
    expect((await answer(tok.a3, { score: 1, comment: '培训不够' })).statusCode).toBe(200);
    expect((await answer(tok.b2, { score: 4 })).statusCode).toBe(200);
    expect((await answer(tok.a1, { score: 2 })).statusCode).toBe(200);
    const lights = await lightsOf(acc.A ?? '');
    expect(lights).toHaveLength(2);
    expect(lights[1]?.survey_response_id).toBe((await responseOf('a1', csatId))?.id);
  });
});

describe('results and who sees them', () => {
  const month = () => todayIn('Asia/Shanghai').slice(0, 7);
  const R = '/api/v1/success/surveys/:id/results';

  it('NPS by group (hand-checked): 2 promoters, 3 detractors of 5 → −20.0', async () => {
    const r = await admin.get(`/api/v1/success/surveys/${npsId}/results?group_by=csm`);
    const d = conformsTo<{
      data: {
        overall: {
          responses: number;
          value: number;
          categories: Record<string, number>;
          distribution: { score: number; count: number }[];
        };
        periods: { month: string; responses: number; value: number }[];
        groups: { key: string; responses: number; value: number }[];
        comments: { comment: string; score: number }[];
      };
    }>(built.app, 'GET', R, r, 200).data;
    // A: 2, 3, 5 (detractors); B: 10, 9 (promoters) → (2 − 3) / 5 = −20.0
    expect(d.overall).toMatchObject({
      responses: 5,
      value: -20,
      categories: { promoter: 2, passive: 0, detractor: 3 },
    });
    expect(d.overall.distribution.filter((x) => x.count).map((x) => `${x.score}:${x.count}`)).toEqual([
      '2:1',
      '3:1',
      '5:1',
      '9:1',
      '10:1',
    ]);
    expect(d.overall.distribution).toHaveLength(11);
    expect(d.periods).toEqual([
      { month: month(), responses: 5, value: -20, categories: { promoter: 2, passive: 0, detractor: 3 } },
    ]);
    // csm1 serves A (3 detractors: −100.0), csm2 serves B (2 promoters: 100.0)
    expect(d.groups.map((g) => `${g.key}:${g.responses}:${g.value}`)).toEqual([
      `${csm1.userId}:3:-100`,
      `${csm2.userId}:2:100`,
    ]);
    expect(d.comments.map((c) => c.comment).sort()).toEqual(['报表太慢', '经常宕机']);
  });

  it('CSAT: 1 of 3 answers is 4–5 → 33.3', async () => {
    const r = await admin.get(`/api/v1/success/surveys/${csatId}/results`);
    const d = conformsTo<{
      data: { overall: { responses: number; value: number; categories: Record<string, number> } };
    }>(built.app, 'GET', R, r, 200).data;
    expect(d.overall).toMatchObject({
      responses: 3,
      value: 33.3,
      categories: { satisfied: 1, neutral: 0, dissatisfied: 2 },
    });
  });

  type QR = {
    key: string;
    label: string;
    type: string;
    removed: boolean;
    answered: number;
    options: { option: string; count: number; share: number | null; removed: boolean }[];
    answers: Record<string, unknown>[];
  };
  const MODULE = {
    key: 'module',
    label: '您最常用哪个模块？',
    type: 'choice',
    options: ['CRM', 'BI'],
    required: true,
  };

  it('extra questions: counts and shares per option, the latest text answers and who gave them', async () => {
    const d = conformsTo<{ data: { questions: QR[] } }>(
      built.app,
      'GET',
      R,
      await admin.get(`/api/v1/success/surveys/${npsId}/results`),
      200,
    ).data;
    expect(d.questions.map((q) => `${q.key}:${q.type}:${q.answered}:${q.removed}`)).toEqual([
      'module:choice:5:false',
      'wish:text:3:false',
    ]);
    const [module, wish] = d.questions;
    // a3 BI, a1 CRM, a2 CRM, b1 BI, b2 BI → CRM 2 of 5 (40.0 %), BI 3 (60.0 %)
    expect(module?.options).toEqual([
      { option: 'CRM', count: 2, share: 40, removed: false },
      { option: 'BI', count: 3, share: 60, removed: false },
    ]);
    expect(module?.answers).toEqual([]);
    expect(wish?.options).toEqual([]);
    // newest first: b1 answered after a1, a1 after a3
    expect(wish?.answers.map((a) => `${String(a.contact_name)}:${String(a.text)}`)).toEqual([
      '陈静:很好用',
      '张伟:希望有移动端',
      '李娜:导出报表要更快',
    ]);
    expect(wish?.answers[0]).toMatchObject({
      account_id: acc.B,
      contact_id: con.b1,
      score: 10,
      category: 'promoter',
      key_user: true,
    });
    // a CSM counts the answers of their own customers only
    const mine = json<{ data: { questions: QR[] } }>(
      await csm1.get(`/api/v1/success/surveys/${npsId}/results`),
    ).data.questions;
    expect(mine.map((q) => `${q.key}:${q.answered}`)).toEqual(['module:3', 'wish:2']);
    expect(mine[0]?.options.map((o) => o.count)).toEqual([2, 1]);

    // the text answers page on
    const A = '/api/v1/success/surveys/:id/answers';
    const page = (c: Client, qs: string) => c.get(`/api/v1/success/surveys/${npsId}/answers?${qs}`);
    type Page = { data: { total: number; offset: number; limit: number; answers: { text: string }[] } };
    const p1 = conformsTo<Page>(built.app, 'GET', A, await page(admin, 'key=wish&limit=2'), 200).data;
    expect(p1).toMatchObject({ total: 3, offset: 0, limit: 2 });
    expect(p1.answers.map((a) => a.text)).toEqual(['很好用', '希望有移动端']);
    const p2 = json<Page>(await page(admin, 'key=wish&limit=2&offset=2')).data;
    expect(p2.answers.map((a) => a.text)).toEqual(['导出报表要更快']);
    const own = json<Page>(await page(csm2, 'key=wish')).data;
    expect(own).toMatchObject({ total: 1, limit: 20 });
    expect(issues(await page(admin, 'limit=0'))).toEqual(['key:required', 'limit:score_out_of_range']);
    expect(issues(await page(admin, 'key=nope'))).toEqual(['key:invalid_value']);
  });

  it('a removed question keeps its answers in the results, and its key', async () => {
    const put = (questions: unknown[]) => admin.put(`/api/v1/surveys/${npsId}/questions`, { questions });
    const removed = json<{ data: { retired_keys: string[] } }>(await put([MODULE]));
    expect(removed.data.retired_keys).toEqual(['wish']);
    const d = json<{ data: { questions: QR[] } }>(
      await admin.get(`/api/v1/success/surveys/${npsId}/results`),
    ).data;
    expect(d.questions.map((q) => `${q.key}:${q.label}:${q.answered}:${q.removed}`)).toEqual([
      'module:您最常用哪个模块？:5:false',
      'wish:还有什么建议？:3:true',
    ]);
    const reuse = [MODULE, { key: 'wish', label: '您希望我们改进什么？', type: 'text' }];
    const refused = await put(reuse);
    expect(refused.statusCode).toBe(422);
    expect(issues(refused)).toEqual(['questions[1].key:key_retired']);
    // answers stored under a key hold it even where the survey lost track of it (older data)
    await tdb().exec0(sql`update survey set retired_questions = '[]'
      where tenant_id = ${t.tenantId} and id = ${npsId}`);
    expect(issues(await put(reuse))).toEqual(['questions[1].key:key_retired']);
    const fresh = json<{ data: { questions: { key: string }[]; retired_keys: string[] } }>(
      await put([MODULE, { label: '您希望我们改进什么？', type: 'text' }]),
    ).data;
    expect(fresh.questions.map((q) => q.key)).toEqual(['module', 'q1']);
    expect(fresh.retired_keys).toEqual(['wish']);
  });

  it('a CSM sees their own customers only; a director their department', async () => {
    const v = (c: Client) =>
      c
        .get(`/api/v1/success/surveys/${npsId}/results`)
        .then((r) => json<{ data: { overall: { responses: number; value: number } } }>(r).data.overall);
    expect(await v(csm1)).toMatchObject({ responses: 3, value: -100 });
    expect(await v(csm2)).toMatchObject({ responses: 2, value: 100 });
    expect(await v(director)).toMatchObject({ responses: 3, value: -100 });
    const a1 = await responseOf('a1', npsId);
    expect((await csm2.get(`/api/v1/survey-responses/${a1?.id}`)).statusCode).toBe(404);
    conformsTo(
      built.app,
      'GET',
      '/api/v1/survey-responses/:id',
      await csm1.get(`/api/v1/survey-responses/${a1?.id}`),
      200,
    );
    expect(
      (await csm2.post(`/api/v1/survey-responses/${a1?.id}/callback`, { outcome: 'x' })).statusCode,
    ).toBe(404);
    const list = json<{ data: { account_id: string }[] }>(await csm2.get('/api/v1/objects/survey_response'));
    expect(new Set(list.data.map((x) => x.account_id))).toEqual(new Set([acc.B]));
  });

  it('responses are read-only through the generic API; bad queries name the field', async () => {
    const c = await admin.post('/api/v1/objects/survey_response', {});
    expect(c.statusCode).toBe(403);
    const a3 = await responseOf('a3', npsId);
    expect((await director.delete(`/api/v1/objects/survey_response/${a3?.id}`)).statusCode).toBe(403);
    expect(
      (await admin.patch(`/api/v1/objects/survey_response/${a3?.id}`, { owner_id: csm2.userId, version: 1 }))
        .statusCode,
    ).toBe(403);
    const bad = await admin.get(`/api/v1/success/surveys/${npsId}/results?from=2026-13-01&group_by=planet`);
    expect(issues(bad)).toEqual(['from:invalid_date', 'group_by:invalid_value']);
    // the kind of a sent survey is fixed
    const v = json<{ data: { version: number } }>(await admin.get(`/api/v1/objects/survey/${npsId}`)).data
      .version;
    const k = await admin.patch(`/api/v1/objects/survey/${npsId}`, { kind: 'csat', version: v });
    expect(k.statusCode).toBe(409);
    expect(key(k)).toBe('survey_kind_locked');
  });
});

describe('who writes survey definitions', () => {
  const snapshot = () =>
    tdb().query(sql<{ row: string }>`select row_to_json(s)::text as row from survey s
      where tenant_id = ${t.tenantId} order by id`);

  it('only administrators: a CSM, a sales rep and a CS director get 403 and nothing changes', async () => {
    // a survey a CS director owns (e.g. written before the rule) is within their delete scope
    const own = json<{ data: { id: string } }>(
      await admin.post('/api/v1/objects/survey', {
        name: '总监的问卷',
        kind: 'nps',
        owner_id: director.userId,
      }),
    ).data.id;
    const before = await snapshot();
    const versionOf = async (id: string) =>
      json<{ data: { version: number } }>(await admin.get(`/api/v1/objects/survey/${id}`)).data.version;
    const refused = async (r: Promise<{ statusCode: number; json(): unknown }>, who: string) => {
      const res = await r;
      expect(res.statusCode, who).toBe(403);
      expect(key(res), who).toBe('survey_admin_only');
    };
    for (const [who, c] of [
      ['csm', csm1],
      ['sales rep', salesRep],
      ['director', director],
    ] as const) {
      await refused(
        c.post('/api/v1/objects/survey', { name: `${who} 的问卷`, kind: 'nps' }),
        `${who} create`,
      );
      await refused(
        c.patch(`/api/v1/objects/survey/${csatId}`, { name: '改名', version: await versionOf(csatId) }),
        `${who} edit`,
      );
      await refused(
        c.patch(`/api/v1/objects/survey/${csatId}`, { status: 'closed', version: await versionOf(csatId) }),
        `${who} close`,
      );
      await refused(
        c.put(`/api/v1/surveys/${npsId}/questions`, {
          questions: [{ label: '偷加的问题', type: 'text' }],
        }),
        `${who} questions`,
      );
    }
    await refused(director.delete(`/api/v1/objects/survey/${own}`), 'director delete');
    await refused(
      director.patch(`/api/v1/objects/survey/${own}`, { status: 'active', version: await versionOf(own) }),
      'director activate',
    );
    expect(await snapshot()).toEqual(before);
    // the message says who may
    const en = await csm1.patch(
      `/api/v1/objects/survey/${csatId}`,
      { name: 'x', version: await versionOf(csatId) },
      { 'accept-language': 'en-US' },
    );
    expect((en.json() as { error: { message: string } }).error.message).toMatch(/^Only administrators/);
  });

  it('readers still see definitions and results; CSMs still send', async () => {
    for (const c of [csm1, salesRep, director]) {
      expect((await c.get(`/api/v1/objects/survey/${npsId}`)).statusCode).toBe(200);
      conformsTo(
        built.app,
        'GET',
        '/api/v1/success/surveys/:id/results',
        await c.get(`/api/v1/success/surveys/${npsId}/results`),
        200,
      );
    }
    const sent = await csm1.post(`/api/v1/surveys/${csatId}/send`, {
      round: 'CSM 发送',
      contact_ids: [con.c1],
    });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(json<{ data: { invited: unknown[] } }>(sent).data.invited).toHaveLength(1);
  });
});

describe('documentation', () => {
  it('the OpenAPI document lists the survey endpoints', async () => {
    const r = await admin.get('/api/openapi.json');
    expect(r.statusCode).toBe(200);
    const paths = Object.keys(json<{ paths: Record<string, unknown> }>(r).paths);
    for (const p of [
      '/api/v1/surveys/{id}/send',
      '/api/v1/surveys/{id}/questions',
      '/api/v1/survey-responses/{id}/callback',
      '/api/v1/success/surveys/{id}/results',
      '/api/v1/public/surveys/{token}',
    ])
      expect(paths).toContain(p);
  });
});
