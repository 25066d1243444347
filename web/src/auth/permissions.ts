import type { Me } from '../api/types';

export type ObjectAction = 'create' | 'read' | 'update' | 'delete' | 'import' | 'export';

export function canDo(me: Me | undefined, object: string, action: ObjectAction): boolean {
  if (!me) return false;
  if (me.role.is_admin) return true;
  return me.role.permissions.objects[object]?.[action] === true;
}
