import crypto from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../src/app.ts';
import { json, login, newTenant, testApp, userWithRole } from './harness.ts';

type Rec = Record<string, unknown> & { id: string };

let built: BuiltApp;
beforeAll(async () => {
  built = await testApp();
});
afterAll(async () => built.close());

const run = (q: ReturnType<typeof sql>) => q.execute(built.platform.db.kysely);

describe('protection period of claimed leads (leads.timers, as-of dates)', () => {
  it('replays the DOMAIN.md §1 example: D=10, E=3, M=20, claimed 25 Mar', async () => {
    const t = await newTenant(built);
    const a = await login(built.app, t.adminEmail);
    const rep = await userWithRole(a, 'sales_rep');
    // long pool timers, so only the protection period takes leads back here
    const pool = json<{ data: Rec }>(
      await a.post('/api/v1/objects/lead_pool', {
        name: '保护期池',
        first_followup_days: 100,
        convert_days: 100,
      }),
    ).data.id;
    await a.put(`/api/v1/leads/pools/${pool}/members`, {
      members: [{ user_id: rep.userId, role: 'member' }],
    });
    const cur = json<{ data: { protection: Record<string, unknown> } & Record<string, unknown> }>(
      await a.get('/api/v1/leads/settings'),
    ).data;
    // off by default: DOMAIN's numbers are an example, not a rule every tenant wants
    expect(cur.protection).toEqual({ enabled: false, days: 10, extendDays: 3, hardLimitDays: 20 });
    expect((await a.put('/api/v1/leads/settings', { ...cur, defaultPoolId: pool })).statusCode).toBe(200);

    const capture = async (name: string, mobile: string, owner?: string | null): Promise<string> => {
      const res = await a.post('/api/v1/leads/capture', {
        name,
        mobile,
        ...(owner ? { owner_id: owner } : {}),
      });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return json<{ data: { lead_id: string } }>(res).data.lead_id;
    };
    // follow-ups per lead (days of logged activities); all claimed on 25 Mar
    const plan: Record<string, string[]> = {
      silent: [],
      once: ['2026-03-28'],
      twice: ['2026-03-28', '2026-04-02'],
      example: ['2026-03-28', '2026-04-02', '2026-04-05'],
      // every 2 days: the reclaim date keeps moving, but the hard stop is 14 Apr
      busy: [
        '2026-03-27',
        '2026-03-29',
        '2026-03-31',
        '2026-04-02',
        '2026-04-04',
        '2026-04-06',
        '2026-04-08',
        '2026-04-10',
        '2026-04-12',
        '2026-04-13',
      ],
    };
    const ids: Record<string, string> = {};
    let n = 0;
    for (const [name, days] of Object.entries(plan)) {
      const id = await capture(name, `1370000${String(++n).padStart(4, '0')}`);
      ids[name] = id;
      expect((await rep.post(`/api/v1/leads/${id}/claim`)).statusCode).toBe(204);
      await run(
        sql`update lead_event set at = '2026-03-25 10:00+08' where tenant_id = ${t.tenantId} and lead_id = ${id} and kind = 'claimed'`,
      );
      await run(
        sql`update lead set assigned_at = '2026-03-25 10:00+08' where tenant_id = ${t.tenantId} and id = ${id}`,
      );
      for (const d of days)
        await run(sql`insert into activity (tenant_id, id, owner_id, subject, type, occurred_at, lead_id)
          values (${t.tenantId}, ${crypto.randomUUID()}, ${rep.userId}, '电话', 'call', ${`${d} 15:00+08`}, ${id})`);
    }
    // assigned by an admin, not claimed: no protection period, only the pool timers
    ids.assigned = await capture('assigned', '13700009999', rep.userId);
    await run(
      sql`update lead set assigned_at = '2026-03-25 10:00+08' where tenant_id = ${t.tenantId} and id = ${ids.assigned}`,
    );
    await run(
      sql`update lead_event set at = '2026-03-25 10:00+08' where tenant_id = ${t.tenantId} and lead_id = ${ids.assigned}`,
    );

    const job = async (asOf: string) => {
      const res = await a.post('/api/v1/admin/jobs/leads.timers/run', { as_of: asOf });
      expect(res.statusCode, res.body).toBeLessThan(300);
      const d = json<{ data: { status: string; result: Record<string, number> } }>(res).data;
      expect(d.status).toBe('succeeded');
      return d.result;
    };
    // protection off: nothing goes back even on the hard stop
    expect(await job('2026-04-14')).toMatchObject({ recycled: 0, recycled_protection: 0 });
    const on = await a.put('/api/v1/leads/settings', {
      ...cur,
      defaultPoolId: pool,
      protection: { enabled: true, days: 10, extendDays: 3, hardLimitDays: 20 },
    });
    expect(on.statusCode, on.body).toBe(200);

    const recycledOn: Record<string, string> = {};
    const warnedOn: string[] = [];
    for (
      let d = Date.parse('2026-03-26T00:00:00Z');
      d <= Date.parse('2026-04-16T00:00:00Z');
      d += 86_400_000
    ) {
      const asOf = new Date(d).toISOString().slice(0, 10);
      const r = await job(asOf);
      if (r.warnings) warnedOn.push(asOf);
      const owned = await run(sql<{ id: string; owner_id: string | null }>`
        select id, owner_id from lead where tenant_id = ${t.tenantId} and id = any(${Object.values(ids)}::uuid[])`);
      for (const row of owned.rows as Array<{ id: string; owner_id: string | null }>) {
        const name = Object.keys(ids).find((k) => ids[k] === row.id) ?? '';
        if (row.owner_id === null && !recycledOn[name]) recycledOn[name] = asOf;
      }
    }
    expect(recycledOn).toEqual({
      silent: '2026-04-04', // claim + 10
      once: '2026-04-04', // 28 Mar + 3 = 31 Mar is earlier: still 4 Apr
      twice: '2026-04-05', // 2 Apr + 3
      example: '2026-04-08', // 5 Apr + 3
      busy: '2026-04-14', // hard stop: claim + 20
    });
    // the owner hears the day before each reclaim date
    expect(warnedOn).toEqual(['2026-04-03', '2026-04-04', '2026-04-07', '2026-04-13']);
    expect(
      json<{ data: { kind: string; title: string }[] }>(await rep.get('/api/v1/notifications')).data.some(
        (x) => x.kind === 'lead.recycle_warning' && x.title.includes('保护期'),
      ),
    ).toBe(true);
    const lead = json<{ data: Rec }>(await a.get(`/api/v1/objects/lead/${ids.example}`)).data;
    expect(lead).toMatchObject({ owner_id: null, status: 'unassigned', pool_id: pool, recycle_count: 1 });
    const ev = json<{ data: { events: { kind: string; reason: string; from_owner: string }[] } }>(
      await a.get(`/api/v1/leads/${ids.example}/timeline`),
    ).data.events[0];
    expect(ev).toMatchObject({ kind: 'recycled', reason: '保护期到期', from_owner: rep.userId });
    // idempotent: the same date again takes nothing more
    expect(await job('2026-04-14')).toMatchObject({ recycled: 0 });
  });

  it('the pool timers still apply to a claimed lead, and the earliest wins', async () => {
    const t = await newTenant(built);
    const a = await login(built.app, t.adminEmail);
    const rep = await userWithRole(a, 'sales_rep');
    const pool = json<{ data: Rec }>(
      await a.post('/api/v1/objects/lead_pool', { name: '短期池', first_followup_days: 3, convert_days: 30 }),
    ).data.id;
    await a.put(`/api/v1/leads/pools/${pool}/members`, {
      members: [{ user_id: rep.userId, role: 'member' }],
    });
    const cur = json<{ data: Record<string, unknown> }>(await a.get('/api/v1/leads/settings')).data;
    await a.put('/api/v1/leads/settings', {
      ...cur,
      defaultPoolId: pool,
      protection: { enabled: true, days: 10, extendDays: 3, hardLimitDays: 20 },
    });
    const id = json<{ data: { lead_id: string } }>(
      await a.post('/api/v1/leads/capture', { name: '领取未跟进', mobile: '13800007777' }),
    ).data.lead_id;
    expect((await rep.post(`/api/v1/leads/${id}/claim`)).statusCode).toBe(204);
    await run(
      sql`update lead_event set at = '2026-03-25 10:00+08' where tenant_id = ${t.tenantId} and lead_id = ${id}`,
    );
    await run(
      sql`update lead set assigned_at = '2026-03-25 10:00+08' where tenant_id = ${t.tenantId} and id = ${id}`,
    );
    // no first follow-up within 3 days: recycled on 28 Mar, long before protection would end (4 Apr)
    const res = await a.post('/api/v1/admin/jobs/leads.timers/run', { as_of: '2026-03-28' });
    expect(json<{ data: { result: Record<string, number> } }>(res).data.result).toMatchObject({
      recycled: 1,
      recycled_protection: 0,
    });
    const ev = json<{ data: { events: { kind: string; reason: string }[] } }>(
      await a.get(`/api/v1/leads/${id}/timeline`),
    ).data.events[0];
    expect(ev).toMatchObject({ kind: 'recycled', reason: '3 天内未首次跟进' });
  });
});
