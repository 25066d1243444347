import { matches, type FieldCondition } from './scoring.rules.ts';

export type AssignStrategy = 'round_robin' | 'load';

/** An assignment rule: runs in order on capture, first match wins. */
export interface AssignmentRule {
  id: string;
  name: string;
  /** all conditions must hold (none = always) */
  conditions: FieldCondition[];
  strategy: AssignStrategy;
  members: string[];
  /** most new leads one member gets per day (load strategy; 0 = no cap) */
  dailyCap: number;
  /** members not receiving leads for now */
  paused: string[];
  /** the members of this pool (users and member departments) are candidates too */
  poolId?: string | null;
}

export interface Candidate {
  userId: string;
  openLeads: number;
  assignedToday: number;
}

export function ruleMatches(rule: AssignmentRule, lead: Record<string, unknown>): boolean {
  return rule.conditions.every((c) => matches(lead, c));
}

/** Next member after the one who got the previous lead (skipping paused and capped ones). */
export function pickRoundRobin(
  rule: AssignmentRule,
  lastUserId: string | null,
  assignedToday: Record<string, number>,
): string | undefined {
  const eligible = rule.members.filter(
    (m) => !rule.paused.includes(m) && (rule.dailyCap === 0 || (assignedToday[m] ?? 0) < rule.dailyCap),
  );
  if (!eligible.length) return undefined;
  const lastIdx = lastUserId ? rule.members.indexOf(lastUserId) : -1;
  for (let step = 1; step <= rule.members.length; step++) {
    const m = rule.members[(lastIdx + step) % rule.members.length];
    if (m && eligible.includes(m)) return m;
  }
  return eligible[0];
}

/** The member with the fewest open leads (ties: fewer today, then member order). */
export function pickByLoad(rule: AssignmentRule, candidates: Candidate[]): string | undefined {
  const order = new Map(rule.members.map((m, i) => [m, i]));
  return candidates
    .filter(
      (c) =>
        order.has(c.userId) &&
        !rule.paused.includes(c.userId) &&
        (rule.dailyCap === 0 || c.assignedToday < rule.dailyCap),
    )
    .sort(
      (a, b) =>
        a.openLeads - b.openLeads ||
        a.assignedToday - b.assignedToday ||
        (order.get(a.userId) ?? 0) - (order.get(b.userId) ?? 0),
    )[0]?.userId;
}
