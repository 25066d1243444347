export interface OrgNode {
  id: string;
  name: string;
  title: string | null;
  role: string | null;
  reports: OrgNode[];
}

interface ContactLike {
  id: string;
  name: string;
  title?: string | null;
  role?: string | null;
  reports_to?: string | null;
}

/**
 * The account's org chart (组织架构) from contacts' reports_to: contacts whose manager is not on
 * the list (or who have none) are roots. A reporting loop cannot hide anyone: the first member of
 * a loop not reached from a root becomes a root itself. Siblings keep the input order.
 */
export function buildOrgChart(contacts: ContactLike[]): OrgNode[] {
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const children = new Map<string, ContactLike[]>();
  const roots: ContactLike[] = [];
  for (const c of contacts) {
    const boss = c.reports_to && c.reports_to !== c.id && byId.has(c.reports_to) ? c.reports_to : null;
    if (boss) children.set(boss, [...(children.get(boss) ?? []), c]);
    else roots.push(c);
  }
  const seen = new Set<string>();
  const build = (c: ContactLike): OrgNode => {
    seen.add(c.id);
    return {
      id: c.id,
      name: c.name,
      title: c.title ?? null,
      role: c.role ?? null,
      reports: (children.get(c.id) ?? []).filter((k) => !seen.has(k.id)).map(build),
    };
  };
  const out = roots.map(build);
  for (const c of contacts) if (!seen.has(c.id)) out.push(build(c));
  return out;
}
