import type { Me, ObjectMeta } from '../api/types';
import type { MessageKey } from '../i18n/zh-CN';
import { canDo } from '../auth/permissions';

export type NavGroupKey = 'marketing' | 'sales' | 'cash' | 'success' | 'analytics' | 'custom' | 'settings';

export const NAV_GROUP_ORDER: NavGroupKey[] = [
  'marketing',
  'sales',
  'cash',
  'success',
  'analytics',
  'custom',
  'settings',
];

export const NAV_GROUP_LABEL: Record<NavGroupKey, MessageKey> = {
  marketing: 'nav.marketing',
  sales: 'nav.sales',
  cash: 'nav.cash',
  success: 'nav.success',
  analytics: 'nav.analytics',
  custom: 'nav.custom',
  settings: 'nav.settings',
};

/** Server module (object metadata `module`) → navigation group. */
const MODULE_GROUP: Record<string, NavGroupKey> = {
  marketing: 'marketing',
  leads: 'marketing',
  campaigns: 'marketing',
  accounts: 'sales',
  activities: 'sales',
  sales: 'sales',
  partners: 'sales',
  cash: 'cash',
  subscriptions: 'cash',
  billing: 'cash',
  success: 'success',
  support: 'success',
  analytics: 'analytics',
};

/**
 * Objects whose module screen replaces the generic list in the menu (the generic list stays
 * reachable by its URL for filters and exports).
 */
const OBJECT_PAGE: Record<string, string> = {
  price_list: '/cash/price-lists',
  survey: '/success/surveys',
  traffic_light: '/success/lights',
};

export interface NavGroup {
  key: NavGroupKey;
  items: { key: string; path: string; object?: ObjectMeta; label?: MessageKey }[];
}

/** Module pages beside the generic object lists; each shows only to roles that can use it. */
const PAGES: { group: NavGroupKey; path: string; label: MessageKey; visible: (me: Me) => boolean }[] = [
  {
    group: 'marketing',
    path: '/leads/mine',
    label: 'nav.myLeads',
    visible: (me) => canDo(me, 'lead', 'read'),
  },
  {
    group: 'marketing',
    path: '/leads/pools',
    label: 'nav.leadPools',
    visible: (me) => canDo(me, 'lead', 'read'),
  },
  {
    group: 'marketing',
    path: '/leads/review',
    label: 'nav.leadReview',
    visible: (me) => canDo(me, 'lead', 'read'),
  },
  {
    group: 'sales',
    path: '/my-day',
    label: 'nav.myDay',
    visible: (me) => canDo(me, 'activity', 'read') || canDo(me, 'task', 'read'),
  },
  {
    // everyone may be asked to approve something, whatever objects their role reads
    group: 'sales',
    path: '/approvals',
    label: 'nav.approvals',
    visible: () => true,
  },
  {
    group: 'sales',
    path: '/accounts/pools',
    label: 'nav.accountPools',
    visible: (me) => canDo(me, 'account', 'read'),
  },
  {
    group: 'sales',
    path: '/sales/board',
    label: 'nav.salesBoard',
    visible: (me) => canDo(me, 'opportunity', 'read'),
  },
  {
    group: 'sales',
    path: '/sales/forecast',
    label: 'nav.salesForecast',
    visible: (me) => canDo(me, 'opportunity', 'read'),
  },
  {
    group: 'sales',
    path: '/sales/targets',
    label: 'nav.salesTargets',
    visible: (me) => canDo(me, 'opportunity', 'read'),
  },
  {
    group: 'cash',
    path: '/cash/payments',
    label: 'nav.payments',
    visible: (me) => canDo(me, 'payment', 'read'),
  },
  {
    group: 'cash',
    path: '/cash/payments/match',
    label: 'nav.paymentMatching',
    visible: (me) => canDo(me, 'payment', 'update'),
  },
  {
    group: 'cash',
    path: '/cash/invoices',
    label: 'nav.invoices',
    visible: (me) => canDo(me, 'invoice', 'read'),
  },
  {
    group: 'sales',
    path: '/performance/me',
    label: 'nav.myPerformance',
    // credit comes from orders: people who never see an order have none
    visible: (me) => canDo(me, 'order', 'read'),
  },
  {
    // the server answers 403 to people who manage nobody; the page says so
    group: 'analytics',
    path: '/performance/team',
    label: 'nav.teamPerformance',
    visible: (me) => canDo(me, 'order', 'update'),
  },
  {
    group: 'sales',
    path: '/performance/statements',
    label: 'nav.commissionStatements',
    visible: (me) => canDo(me, 'order', 'read'),
  },
  {
    group: 'analytics',
    path: '/cash/aging',
    label: 'nav.arAging',
    visible: (me) => canDo(me, 'payment_plan', 'read'),
  },
  {
    group: 'analytics',
    path: '/marketing/analytics',
    label: 'nav.leadAnalytics',
    visible: (me) => canDo(me, 'lead', 'read'),
  },
  {
    group: 'analytics',
    path: '/sales/funnel',
    label: 'nav.salesFunnel',
    visible: (me) => canDo(me, 'opportunity', 'read'),
  },
  {
    group: 'analytics',
    path: '/subscriptions/arr',
    label: 'nav.arrDashboard',
    visible: (me) => canDo(me, 'subscription', 'read'),
  },
  {
    // beside the subscription objects (订阅, 应续), which the cash group lists
    group: 'cash',
    path: '/subscriptions/renewals',
    label: 'nav.dueRenewals',
    visible: (me) => canDo(me, 'due_renewal', 'read'),
  },
  {
    // health, alerts and work orders are read through the account scope (a CSM: their book)
    group: 'success',
    path: '/success',
    label: 'nav.successCockpit',
    visible: (me) => canDo(me, 'account', 'read'),
  },
  {
    group: 'success',
    path: '/success/incentive',
    label: 'nav.csmIncentive',
    visible: (me) => canDo(me, 'account', 'read'),
  },
  {
    group: 'success',
    path: '/success/lights',
    label: 'nav.lights',
    visible: (me) => canDo(me, 'account', 'read'),
  },
  {
    // journeys are read through the account scope, like lights
    group: 'success',
    path: '/success/journeys',
    label: 'nav.journeys',
    visible: (me) => canDo(me, 'account', 'read'),
  },
  {
    // the touch rate of the book the caller serves (a CSM: their own customers)
    group: 'success',
    path: '/success/touch',
    label: 'nav.touchRate',
    visible: (me) => canDo(me, 'account', 'read'),
  },
];

/** Groups and items the signed-in role may open; empty groups are left out. */
export function buildNav(me: Me, objects: ObjectMeta[]): NavGroup[] {
  const groups = new Map<NavGroupKey, NavGroup>();
  const add = (key: NavGroupKey, item: NavGroup['items'][number]) => {
    const g = groups.get(key) ?? { key, items: [] };
    g.items.push(item);
    groups.set(key, g);
  };
  for (const o of objects) {
    if (!canDo(me, o.api_name, 'read')) continue;
    const group = o.is_custom ? 'custom' : (MODULE_GROUP[o.module] ?? 'custom');
    const path = OBJECT_PAGE[o.api_name] ?? `/o/${o.api_name}`;
    add(group, { key: path, path, object: o });
  }
  for (const p of PAGES) {
    // a page an object already opens (the traffic-light board) is listed once, under the object
    if (!p.visible(me) || groups.get(p.group)?.items.some((i) => i.key === p.path)) continue;
    add(p.group, { key: p.path, path: p.path, label: p.label });
  }
  if (me.role.is_admin) add('settings', { key: '/settings', path: '/settings' });
  return NAV_GROUP_ORDER.flatMap((k) => {
    const g = groups.get(k);
    return g ? [g] : [];
  });
}

/**
 * The item the current path belongs to: the longest item path it starts with, on a segment
 * boundary — /success/lights is the board, not the cockpit at /success; /o/account is not
 * /o/account_pool.
 */
export function selectedNavKey(items: { key: string; path: string }[], pathname: string): string | undefined {
  let best: { key: string; path: string } | undefined;
  for (const i of items) {
    const inside = pathname === i.path || pathname.startsWith(i.path.endsWith('/') ? i.path : `${i.path}/`);
    if (inside && (!best || i.path.length > best.path.length)) best = i;
  }
  return best?.key;
}
