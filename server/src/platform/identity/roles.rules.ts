import type { Labels } from '../i18n/i18n.ts';
import type { ObjectPermission, RolePermissions } from '../access/permissions.ts';

export interface RoleTemplate {
  key: string;
  name: Labels;
  isAdmin: boolean;
  permissions: RolePermissions;
}

const full = (scope: ObjectPermission['scope']): ObjectPermission => ({
  create: true,
  read: true,
  update: true,
  delete: true,
  import: true,
  export: true,
  scope,
});

const readAll: ObjectPermission = {
  create: false,
  read: true,
  update: false,
  delete: false,
  import: false,
  export: false,
  scope: 'all',
};

/** A standard object by name, or with `reference` for catalog data everyone reads but few edit. */
export type StandardObject = string | { apiName: string; reference?: boolean };

/** Roles every new tenant starts with; admins edit them afterwards. */
export function defaultRoles(objects: StandardObject[]): RoleTemplate[] {
  const each = (p: ObjectPermission): Record<string, ObjectPermission> =>
    Object.fromEntries(
      objects.map((o) =>
        typeof o === 'string' ? [o, p] : [o.apiName, o.reference ? { ...readAll, export: p.export } : p],
      ),
    );
  return [
    {
      key: 'admin',
      name: { 'zh-CN': '系统管理员', 'en-US': 'Administrator' },
      isAdmin: true,
      permissions: { objects: {}, fields: {} },
    },
    {
      key: 'sales_manager',
      name: { 'zh-CN': '销售经理', 'en-US': 'Sales manager' },
      isAdmin: false,
      permissions: { objects: each(full('subtree')), fields: {} },
    },
    {
      key: 'sales_rep',
      name: { 'zh-CN': '销售代表', 'en-US': 'Sales rep' },
      isAdmin: false,
      permissions: {
        objects: each({ ...full('own'), delete: false, import: false, export: false }),
        fields: {},
      },
    },
    // customer success (DOMAIN.md §6): a CSM works the customers they serve (account.csm_id) and
    // their own work orders; a CS director sees the book of every CSM in their departments
    {
      key: 'csm',
      name: { 'zh-CN': '客户成功经理', 'en-US': 'Customer success manager' },
      isAdmin: false,
      permissions: {
        objects: each({ ...full('own'), delete: false, import: false, export: false }),
        fields: {},
      },
    },
    {
      key: 'cs_director',
      name: { 'zh-CN': '客户成功总监', 'en-US': 'Customer success director' },
      isAdmin: false,
      permissions: { objects: each(full('subtree')), fields: {} },
    },
    // a channel partner's people (DOMAIN.md §8): what they create and own, plus the customers their
    // partner serves (app_user.partner_account_id = account.partner_id) with those customers'
    // contacts, work orders and traffic lights; nothing of the tenant beyond that
    {
      key: 'partner',
      name: { 'zh-CN': '合作伙伴用户', 'en-US': 'Partner user' },
      isAdmin: false,
      permissions: {
        objects: each({ ...full('own'), delete: false, import: false, export: false }),
        fields: {},
      },
    },
    {
      key: 'read_only',
      name: { 'zh-CN': '只读用户', 'en-US': 'Read-only' },
      isAdmin: false,
      permissions: {
        objects: each(readAll),
        fields: {},
      },
    },
  ];
}
