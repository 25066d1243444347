import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import {
  company,
  DEPARTMENTS,
  intBetween,
  mobile,
  personName,
  pick,
  seededRng,
  TITLES,
} from './generator.ts';

const DEMO_PASSWORD = 'Flywheel-Demo-2026';

/**
 * Loads the demo dataset into a tenant: a sales org (departments and reps), 200 accounts and
 * their contacts — all through the records engine, so audit, events and permissions are real.
 * Loading twice does nothing the second time.
 */
export async function loadDemoData(p: Platform, tenantId: string): Promise<Record<string, number | string>> {
  const tdb = TenantDb.for(p.db, tenantId);
  const existing = await tdb.one(
    sql<{ n: number }>`select count(*)::int8 as n from account where tenant_id = ${tenantId}`,
  );
  if ((existing?.n ?? 0) > 0) return { skipped: 'demo data already present' };
  const admin = await tdb.one(
    sql<{
      id: string;
    }>`select u.id from app_user u join role r on r.tenant_id = u.tenant_id and r.id = u.role_id where u.tenant_id = ${tenantId} and r.is_admin order by u.created_at limit 1`,
  );
  if (!admin) throw new Error('tenant has no admin');
  const actor = await loadActor(p.db, tenantId, { userId: admin.id });
  if (!actor) throw new Error('cannot load admin');
  const rng = seededRng(20261127);

  const center = await p.users.createDepartment(actor, { name: '销售中心' });
  const regions = ['华东大区', '华南大区', '华北大区'];
  const users: string[] = [];
  for (const [ri, region] of regions.entries()) {
    const dept = await p.users.createDepartment(actor, { name: region, parent_id: center.id });
    const manager = await p.users.createUser(actor, {
      email: `manager${ri + 1}@flywheel.local`,
      name: `${personName(rng)}（${region}经理）`,
      password: DEMO_PASSWORD,
      role: 'sales_manager',
      department_id: dept.id,
    });
    users.push(manager.id);
    for (let i = 0; i < 3; i++) {
      const rep = await p.users.createUser(actor, {
        email: `rep${ri + 1}${i + 1}@flywheel.local`,
        name: personName(rng),
        password: DEMO_PASSWORD,
        role: 'sales_rep',
        department_id: dept.id,
      });
      users.push(rep.id);
    }
  }

  const accounts = Array.from({ length: 200 }, () => {
    const c = company(rng);
    return {
      name: c.name,
      industry: c.industry,
      province: c.province,
      city: c.city,
      size: c.size,
      phone: c.phone,
      employees: c.employees,
      annual_revenue: { amount: c.annual_revenue, currency: 'CNY' },
      type: pick(rng, ['prospect', 'prospect', 'customer', 'customer', 'partner']),
      grade: pick(rng, ['A', 'B', 'B', 'C', 'C', 'D']),
      owner_id: pick(rng, users),
    };
  });
  const createdAccounts = await p.records.createMany(actor, 'account', accounts);
  const contacts = createdAccounts.flatMap((a) =>
    Array.from({ length: intBetween(rng, 1, 4) }, (_, i) => ({
      name: personName(rng),
      account_id: a.id,
      mobile: mobile(rng),
      title: pick(rng, TITLES),
      department: pick(rng, DEPARTMENTS),
      role:
        i === 0
          ? 'decision_maker'
          : pick(rng, ['key_person', 'champion', 'system_admin', 'department_head', 'user']),
      owner_id: a.owner_id,
    })),
  );
  let contactCount = 0;
  for (let i = 0; i < contacts.length; i += 500)
    contactCount += (await p.records.createMany(actor, 'contact', contacts.slice(i, i + 500))).length;
  return {
    users: users.length,
    accounts: createdAccounts.length,
    contacts: contactCount,
    user_password: DEMO_PASSWORD,
  };
}
