import type { FieldRule, RolePermissions } from '../api/admin';
import type { ObjectAction } from '../auth/permissions';
import type { ObjectPermission } from '../api/types';

export const ACTIONS: ObjectAction[] = ['create', 'read', 'update', 'delete', 'import', 'export'];
export const SCOPES = ['own', 'department', 'subtree', 'all'] as const;
export type Scope = (typeof SCOPES)[number];

function withObject(p: RolePermissions, object: string, next: ObjectPermission): RolePermissions {
  const objects = { ...p.objects };
  const granted = ACTIONS.some((a) => next[a] === true);
  if (granted) objects[object] = next;
  else delete objects[object];
  return { ...p, objects };
}

export function toggleAction(
  p: RolePermissions,
  object: string,
  action: ObjectAction,
  on: boolean,
): RolePermissions {
  const cur: ObjectPermission = { ...(p.objects[object] ?? {}) };
  cur[action] = on;
  // Every other right needs read; granting one grants read, revoking read revokes all.
  if (on && action !== 'read') cur.read = true;
  if (!on && action === 'read') for (const a of ACTIONS) cur[a] = false;
  for (const a of ACTIONS) if (cur[a] !== true) delete cur[a];
  return withObject(p, object, cur);
}

export function setScope(p: RolePermissions, object: string, scope: Scope): RolePermissions {
  return withObject(p, object, { ...(p.objects[object] ?? {}), scope });
}

export function setFieldRule(
  p: RolePermissions,
  object: string,
  field: string,
  rule: FieldRule | null,
): RolePermissions {
  const rules = { ...(p.fields[object] ?? {}) };
  if (rule) rules[field] = rule;
  else delete rules[field];
  const fields = { ...p.fields };
  if (Object.keys(rules).length) fields[object] = rules;
  else delete fields[object];
  return { ...p, fields };
}
