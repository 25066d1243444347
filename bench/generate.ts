import { company, pick, seededRng, intBetween, type Rng } from '../server/src/demo/generator.ts';
import { fromMinorUnits } from '../server/src/platform/metadata/values.rules.ts';

export const TIERS = ['gold', 'silver', 'bronze', 'trial'] as const;

export interface BenchAccount {
  name: string;
  industry: string;
  province: string;
  city: string;
  size: string;
  type: string;
  grade: string;
  phone: string;
  employees: number;
  annual_revenue: number;
  tier: string;
  seats: number;
}

/** Deterministic accounts: the same seed gives the same rows on every machine. */
export function* accounts(seed: number, count: number, serialOffset = 0): Generator<BenchAccount> {
  const rng: Rng = seededRng(seed);
  for (let i = 0; i < count; i++) {
    const c = company(rng, serialOffset + i);
    yield {
      name: c.name,
      industry: c.industry,
      province: c.province,
      city: c.city,
      size: c.size,
      type: pick(rng, ['prospect', 'customer', 'partner']),
      grade: pick(rng, ['A', 'B', 'C', 'D']),
      phone: c.phone,
      employees: c.employees,
      annual_revenue: c.annual_revenue,
      tier: pick(rng, TIERS),
      seats: intBetween(rng, 1, 5000),
    };
  }
}

const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Import file as a user would upload it: Chinese headers, money in yuan. */
export function importCsv(seed: number, count: number, serialOffset: number): string {
  const lines = ['客户名称,行业,省份,城市,企业规模,员工人数,年营业额,客户等级,电话,客户层级,座席数'];
  for (const a of accounts(seed, count, serialOffset))
    lines.push(
      [
        a.name,
        a.industry,
        a.province,
        a.city,
        a.size,
        a.employees,
        fromMinorUnits(a.annual_revenue, 'CNY'),
        a.grade,
        a.phone,
        a.tier,
        a.seats,
      ]
        .map(csvCell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}
