/** Pure view logic of the accounts pages (unit-tested in account-logic.test.ts). */

export interface OrgContact {
  id: string;
  name: string;
  title: string | null;
  role: string | null;
  reportsTo: string | null;
  isKeyUser: boolean;
}

export interface OrgTreeNode extends OrgContact {
  reports: OrgTreeNode[];
  /** Reports to someone who is not among the contacts shown (deleted, another account, hidden). */
  managerMissing: boolean;
  /** Sits on a reporting loop (A → B → A): shown as a root so nobody disappears. */
  inCycle: boolean;
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name, 'zh-CN');

/**
 * Contacts nested by `reports_to`. Everyone appears exactly once: a contact whose manager is not
 * in the list becomes a root (marked), and a reporting loop is cut at its first member by name.
 */
export function buildOrgTree(contacts: OrgContact[]): OrgTreeNode[] {
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const parentOf = (c: OrgContact): string | null =>
    c.reportsTo && c.reportsTo !== c.id && byId.has(c.reportsTo) ? c.reportsTo : null;
  const children = new Map<string, OrgContact[]>();
  for (const c of contacts) {
    const p = parentOf(c);
    if (p) children.set(p, [...(children.get(p) ?? []), c]);
  }
  const visited = new Set<string>();
  const build = (c: OrgContact, flags: { managerMissing: boolean; inCycle: boolean }): OrgTreeNode => {
    visited.add(c.id);
    const reports = (children.get(c.id) ?? [])
      .filter((k) => !visited.has(k.id))
      .sort(byName)
      .map((k) => build(k, { managerMissing: false, inCycle: false }));
    return { ...c, reports, ...flags };
  };
  const roots = contacts
    .filter((c) => parentOf(c) === null)
    .sort(byName)
    .map((c) =>
      build(c, {
        managerMissing: !!c.reportsTo && c.reportsTo !== c.id && !byId.has(c.reportsTo),
        inCycle: false,
      }),
    );
  // Whoever is left hangs under a loop: follow managers until one repeats; that one is on the loop.
  for (const c of [...contacts].sort(byName)) {
    if (visited.has(c.id)) continue;
    const seen = new Set<string>();
    let cur: OrgContact = c;
    while (!seen.has(cur.id)) {
      seen.add(cur.id);
      const p = parentOf(cur);
      const next = p ? byId.get(p) : undefined;
      if (!next) break;
      cur = next;
    }
    // cut the loop at its first member by name so the result does not depend on list order
    const loop: OrgContact[] = [];
    let walk: OrgContact | undefined = cur;
    while (walk && !loop.some((l) => l.id === walk?.id)) {
      loop.push(walk);
      const p = parentOf(walk);
      walk = p ? byId.get(p) : undefined;
    }
    const head = loop.sort(byName)[0] ?? cur;
    roots.push(build(head, { managerMissing: false, inCycle: true }));
  }
  return roots;
}

/** How one claim (or move) of a bulk run ended. */
export type MoveOutcome = { id: string; ok: true } | { id: string; ok: false; code: string; message: string };

export interface RefusalGroup {
  code: string;
  count: number;
  /** Distinct server messages of this kind (cooldowns name different dates). */
  messages: string[];
}

export interface ClaimSummary {
  ok: number;
  failed: number;
  /** Refusals grouped by why, the most frequent first. */
  groups: RefusalGroup[];
}

/** Groups the refusals of a bulk claim by reason (limit reached, cooldown, not in a pool …). */
export function summarizeClaims(outcomes: MoveOutcome[]): ClaimSummary {
  const groups = new Map<string, RefusalGroup>();
  let ok = 0;
  for (const o of outcomes) {
    if (o.ok) {
      ok++;
      continue;
    }
    const g = groups.get(o.code) ?? { code: o.code, count: 0, messages: [] };
    g.count++;
    if (!g.messages.includes(o.message)) g.messages.push(o.message);
    groups.set(o.code, g);
  }
  return {
    ok,
    failed: outcomes.length - ok,
    groups: [...groups.values()].sort((a, b) => b.count - a.count),
  };
}

function localDay(date: Date, timeZone: string): number {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / 86_400_000;
}

/**
 * Calendar days from `iso` to `asOf` in the tenant's zone ("3 天前"): yesterday 23:59 is 1 day
 * ago at 00:01 today. Null for no date; never negative (a clock a little ahead).
 */
export function daysAgo(iso: string | null | undefined, asOf: Date, timeZone: string): number | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Math.max(0, localDay(asOf, timeZone) - localDay(d, timeZone));
}

export interface AccountActionInput {
  state: string;
  ownerId: string | null;
  meId: string;
  isAdmin: boolean;
  /** The caller's role in the account's pool, if any. */
  poolRole: 'member' | 'admin' | null;
  poolVisibility: string | null;
}

export interface AccountActions {
  claim: boolean;
  return: boolean;
  assign: boolean;
  transfer: boolean;
  editTeam: boolean;
}

/** The pool moves that make sense now (the server checks each again). */
export function accountActions(a: AccountActionInput): AccountActions {
  const poolAdmin = a.isAdmin || a.poolRole === 'admin';
  return {
    claim:
      a.state === 'pool' && (poolAdmin || (a.poolRole === 'member' && a.poolVisibility !== 'admin_assign')),
    return: a.state === 'owned' && (a.ownerId === a.meId || poolAdmin),
    assign: poolAdmin,
    transfer: poolAdmin && a.state !== 'won',
    editTeam: a.isAdmin || (!!a.ownerId && a.ownerId === a.meId),
  };
}

export type ConditionOp = 'gte' | 'lte' | 'eq' | 'ne' | 'contains' | 'in' | 'is_set';

/** A grade-rule condition value as typed in the form: `in` takes a comma list, numbers stay numbers. */
export function parseConditionValue(op: ConditionOp, text: string): unknown {
  const v = text.trim();
  if (op === 'is_set') return undefined;
  if (op === 'in')
    return v
      .split(/[,，]/)
      .map((x) => x.trim())
      .filter(Boolean);
  if ((op === 'gte' || op === 'lte') && v !== '' && Number.isFinite(Number(v))) return Number(v);
  return v;
}

/** The form text of a stored condition value. */
export function conditionValueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Percent of a holding limit used, capped at 100 (a lowered limit can leave people above it). */
export function holdingPercent(held: number, limit: number): number {
  if (limit <= 0) return 100;
  return Math.min(100, Math.round((held / limit) * 100));
}

/** Runs one move per id in order (claims of one user are serialised on the server anyway). */
export async function runMoves(
  ids: string[],
  call: (id: string) => Promise<unknown>,
  describe: (err: unknown) => { code: string; message: string },
  onProgress: (done: number) => void,
): Promise<MoveOutcome[]> {
  const out: MoveOutcome[] = [];
  for (const id of ids) {
    try {
      await call(id);
      out.push({ id, ok: true });
    } catch (err) {
      out.push({ id, ok: false, ...describe(err) });
    }
    onProgress(out.length);
  }
  return out;
}

/**
 * Form item path of a server field error on the settings form (`gradeRules.0.conditions.1.field`
 * → ['gradeRules', 0, 'conditions', 1, 'field']); the return reasons are one tags input.
 */
export function settingsErrorPath(field: string): (string | number)[] {
  const parts = field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts[0] === 'returnReasons') return ['returnReasons'];
  return parts;
}
