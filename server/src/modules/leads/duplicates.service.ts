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
    for (const rule of s.duplicateRules) {
      // company: 'fuzzy' means similar enough, 'exact' the same normalised name (similarity 1);
      // mobile and e-mail are compared exactly after normalisation either way
      const results = rule.fields.map((f) =>
        f.field === 'company'
          ? f.match === 'exact'
            ? r.sim !== null && r.sim >= 0.999
            : has.company
          : has[f.field],
      );
      const ok = rule.combinator === 'and' ? results.every(Boolean) : results.some(Boolean);
      if (!ok) continue;
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
      break;
    }
  }
  // exact matches before fuzzy ones, merge rules before review rules
  return hits.sort(
    (a, b) =>
      Number(b.onCapture === 'merge') - Number(a.onCapture === 'merge') ||
      (b.similarity ?? 1) - (a.similarity ?? 1),
  );
}
