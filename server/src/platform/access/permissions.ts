import { z } from 'zod';
import type { Locale } from '../i18n/i18n.ts';

export const SCOPES = ['own', 'department', 'subtree', 'all'] as const;
export type Scope = (typeof SCOPES)[number];
export const ACTIONS = ['create', 'read', 'update', 'delete', 'import', 'export'] as const;
export type Action = (typeof ACTIONS)[number];

export const objectPermissionSchema = z.strictObject({
  create: z.boolean().default(false),
  read: z.boolean().default(false),
  update: z.boolean().default(false),
  delete: z.boolean().default(false),
  import: z.boolean().default(false),
  export: z.boolean().default(false),
  scope: z.enum(SCOPES).default('own'),
});
export type ObjectPermission = z.infer<typeof objectPermissionSchema>;

export const rolePermissionsSchema = z.strictObject({
  objects: z.record(z.string(), objectPermissionSchema).default({}),
  /** Per object, per field: hidden (never leaves the server) or read (no writes). */
  fields: z.record(z.string(), z.record(z.string(), z.enum(['hidden', 'read']))).default({}),
});
export type RolePermissions = z.infer<typeof rolePermissionsSchema>;

/** Who is acting: a signed-in user or an API key, always inside one tenant. */
export interface Actor {
  tenantId: string;
  /** The user (for API keys: the user who created the key, if any). */
  userId: string | null;
  apiKeyId: string | null;
  roleId: string;
  roleKey: string;
  isAdmin: boolean;
  permissions: RolePermissions;
  departmentId: string | null;
  /** The user's department and every department below it. */
  subtreeDepartmentIds: string[];
  /**
   * For a partner user (DOMAIN.md §8): the partner's account. Such a user reads the customers
   * that partner serves (account.partner_id) beyond their role's scope. Absent or null otherwise.
   */
  partnerAccountId?: string | null;
  locale: Locale;
  timeZone: string;
  currency: string;
}

export type FieldAccess = 'edit' | 'read' | 'hidden';

export function objectPermission(actor: Actor, object: string): ObjectPermission {
  if (actor.isAdmin)
    return { create: true, read: true, update: true, delete: true, import: true, export: true, scope: 'all' };
  return (
    actor.permissions.objects[object] ?? {
      create: false,
      read: false,
      update: false,
      delete: false,
      import: false,
      export: false,
      scope: 'own',
    }
  );
}

export function can(actor: Actor, object: string, action: Action): boolean {
  return objectPermission(actor, object)[action];
}

export function fieldAccess(actor: Actor, object: string, field: string): FieldAccess {
  if (actor.isAdmin) return 'edit';
  const rule = actor.permissions.fields[object]?.[field];
  if (rule === 'hidden') return 'hidden';
  if (rule === 'read') return 'read';
  return 'edit';
}
