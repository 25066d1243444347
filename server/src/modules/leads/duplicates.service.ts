import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import type { DuplicateRule, LeadSettings } from './settings.ts';

export interface Probe {
  mobile?: string | null;
  email?: string | null;
  companyNorm?: string | null;
}

export interface DuplicateHit {
  object: 'lead' | 'account' | 'contact';
  id: string;
  name: string;
  owner_id: string | null;
  status: string | null;
  /** fields that matched, e.g. ['mobile'] or ['company'] */
  matched: string[];
  similarity: number | null;
  rule: string;
  onCapture: DuplicateRule['onCapture'];
}

interface Row {
  object: 'lead' | 'account' | 'contact';
  id: string;
  name: string;
  owner_id: string | null;
  status: string | null;
  m_mobile: boolean;
  m_email: boolean;
  sim: number | null;
}

/** The first of the tenant's rules a candidate satisfies (rules are tried in order). */
function firstRule(
  r: { m_mobile: boolean; m_email: boolean; sim: number | null },
  s: LeadSettings,
): DuplicateRule | undefined {
  const has = { mobile: r.m_mobile, email: r.m_email, company: r.sim !== null && r.sim >= s.fuzzyThreshold };
  return s.duplicateRules.find((rule) => {
    // company: 'fuzzy' means similar enough, 'exact' the same normalised name (similarity 1);
    // mobile and e-mail are compared exactly after normalisation either way
    const results = rule.fields.map((f) =>
      f.field === 'company'
        ? f.match === 'exact'
          ? r.sim !== null && r.sim >= 0.999
          : has.company
        : has[f.field],
    );
    return rule.combinator === 'and' ? results.every(Boolean) : results.some(Boolean);
  });
}

/**
 * Unified duplicate check (统一查重) against leads (voided included), accounts and contacts:
 * exact on normalised mobile/e-mail, fuzzy on the normalised company name (pg_trgm), combined
 * per the tenant's rules. Strongest hits first.
 */
export async function findDuplicates(
  tx: TenantDb,
  p: Probe,
  s: LeadSettings,
  excludeLeadId?: string,
): Promise<DuplicateHit[]> {
  const mobile = p.mobile ?? null;
  const email = p.email ?? null;
  const company = p.companyNorm && p.companyNorm.length >= 2 ? p.companyNorm : null;
  if (!mobile && !email && !company) return [];
  const t = tx.tenantId;
  const th = s.fuzzyThreshold;
  // `%` uses the trigram index with this threshold (transaction-local).
  await tx.query(sql`select set_config('pg_trgm.similarity_threshold', ${String(th)}, true)`);
  // exact hits first, then the most similar names: the cap must not push customers out
  const rows = await tx.query(sql<Row>`select * from (
    select 'lead' as object, id, name, owner_id, status,
           coalesce(mobile = ${mobile}, false) as m_mobile, coalesce(email = ${email}, false) as m_email,
           case when ${company}::text is not null and company_norm % ${company} then similarity(company_norm, ${company}) end as sim
    from lead where tenant_id = ${t} and deleted_at is null ${excludeLeadId ? sql`and id <> ${excludeLeadId}` : sql``}
      and (mobile = ${mobile} or email = ${email} or (${company}::text is not null and company_norm % ${company}))
    union all
    select 'account', id, name, owner_id, type, false, false,
           case when ${company}::text is not null and name_norm % ${company} then similarity(name_norm, ${company}) end
    from account where tenant_id = ${t} and deleted_at is null and ${company}::text is not null and name_norm % ${company}
    union all
    select 'contact', id, name, owner_id, null, coalesce(mobile = ${mobile}, false), coalesce(email = ${email}, false), null
    from contact where tenant_id = ${t} and deleted_at is null and (mobile = ${mobile} or email = ${email})
    ) hits order by (m_mobile or m_email) desc, (object <> 'lead') desc, sim desc nulls last
    limit 50`);
  const hits: DuplicateHit[] = [];
  for (const r of rows) {
    const has = { mobile: r.m_mobile, email: r.m_email, company: r.sim !== null && r.sim >= th };
    const rule = firstRule(r, s);
    if (rule) {
      hits.push({
        object: r.object,
        id: r.id,
        name: r.name,
        owner_id: r.owner_id,
        status: r.status,
        matched: (['mobile', 'email', 'company'] as const).filter((k) => has[k]),
        similarity: r.sim === null ? null : Math.round(r.sim * 100) / 100,
        rule: rule.id,
        onCapture: rule.onCapture,
      });
    }
  }
  // exact matches before fuzzy ones, merge rules before review rules
  return hits.sort(
    (a, b) =>
      Number(b.onCapture === 'merge') - Number(a.onCapture === 'merge') ||
      (b.similarity ?? 1) - (a.similarity ?? 1),
  );
}

/** Import transactions: leads they create are checked for review duplicates as a batch. */
export const importingTx = new WeakSet<TenantDb>();

/**
 * Flags just-created leads that only resemble an existing lead (a review rule, no merge rule)
 * with `duplicate_of`, as capture does, so they show in the review queue. One query for the
 * whole batch; leads of the same batch are not compared with each other.
 */
export async function flagReviewDuplicates(tx: TenantDb, leadIds: string[], s: LeadSettings): Promise<void> {
  if (!leadIds.length || !s.duplicateRules.some((r) => r.onCapture === 'review')) return;
  const t = tx.tenantId;
  await tx.query(sql`select set_config('pg_trgm.similarity_threshold', ${String(s.fuzzyThreshold)}, true)`);
  const rows = await tx.query(sql<{
    lead_id: string;
    id: string;
    m_mobile: boolean;
    m_email: boolean;
    sim: number | null;
  }>`
    select n.id as lead_id, o.id, o.m_mobile, o.m_email, o.sim
    from lead n cross join lateral (
      select o.id, coalesce(o.mobile = n.mobile, false) as m_mobile, coalesce(o.email = n.email, false) as m_email,
             case when length(n.company_norm) >= 2 and o.company_norm % n.company_norm then similarity(o.company_norm, n.company_norm) end as sim
      from lead o where o.tenant_id = ${t} and o.deleted_at is null and o.id <> all(${leadIds}::uuid[])
        and (o.mobile = n.mobile or o.email = n.email or (length(n.company_norm) >= 2 and o.company_norm % n.company_norm))
      limit 50) o
    where n.tenant_id = ${t} and n.id = any(${leadIds}::uuid[])`);
  const best = new Map<string, { id: string; strength: number }>();
  const merged = new Set<string>();
  for (const r of rows) {
    const rule = firstRule(r, s);
    if (!rule) continue;
    // a merge-rule hit that was still created (its merge was refused) is not a review case
    if (rule.onCapture === 'merge') merged.add(r.lead_id);
    const strength = r.m_mobile || r.m_email ? 2 : (r.sim ?? 0);
    const prev = best.get(r.lead_id);
    if (rule.onCapture === 'review' && (!prev || strength > prev.strength))
      best.set(r.lead_id, { id: r.id, strength });
  }
  const flags = [...best]
    .filter(([leadId]) => !merged.has(leadId))
    .map(([lead_id, b]) => ({ lead_id, dup: b.id }));
  if (!flags.length) return;
  await tx.exec0(sql`update lead l set duplicate_of = f.dup from jsonb_to_recordset(${JSON.stringify(flags)}::jsonb) as f(lead_id uuid, dup uuid)
    where l.tenant_id = ${t} and l.id = f.lead_id`);
}
