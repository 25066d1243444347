import { describe, expect, it } from 'vitest';
import type { Me, ObjectMeta } from '../api/types';
import { buildNav, selectedNavKey } from './nav-items';

const obj = (api_name: string, module: string, is_custom = false): ObjectMeta => ({
  api_name,
  module,
  is_custom,
  label: {},
  plural_label: {},
  name_field: 'name',
  search_fields: [],
  fields: [],
});

const me = (isAdmin: boolean, objects: Me['role']['permissions']['objects']): Me => ({
  user: {
    id: 'u',
    email: 'e',
    name: 'n',
    role_id: 'ri',
    role_key: 'r',
    department_id: null,
    partner_account_id: null,
    status: 'active',
    locale: null,
    totp_enabled: false,
    locked_until: null,
    created_at: '2026-01-01T00:00:00.000Z',
  },
  tenant: { id: 't', slug: 's', name: 'n', time_zone: 'Asia/Shanghai', currency: 'CNY', locale: 'zh-CN' },
  role: { id: 'ri', key: 'r', is_admin: isAdmin, permissions: { objects, fields: {} } },
  locale: 'zh-CN',
  via: 'session',
});

const readOnly = {
  create: false,
  read: true,
  update: false,
  delete: false,
  import: false,
  export: false,
  scope: 'own',
} as const;

const objects = [obj('account', 'accounts'), obj('contact', 'accounts'), obj('project__c', 'custom', true)];

describe('navigation', () => {
  it('shows admins every object and Settings', () => {
    const nav = buildNav(me(true, {}), objects);
    expect(nav.map((g) => g.key)).toEqual([
      'marketing',
      'sales',
      'cash',
      'success',
      'analytics',
      'custom',
      'settings',
    ]);
  });
  it('shows the customer-success cockpit and incentive to roles that read accounts', () => {
    const nav = buildNav(me(false, { account: readOnly }), []);
    expect(nav.find((g) => g.key === 'success')?.items.map((i) => i.path)).toEqual([
      '/success',
      '/success/incentive',
      '/success/lights',
      '/success/journeys',
      '/success/touch',
    ]);
    expect(buildNav(me(false, { lead: readOnly }), []).some((g) => g.key === 'success')).toBe(false);
  });
  it('shows the receivables pages by payment, invoice and plan permissions', () => {
    const nav = buildNav(me(false, { payment: readOnly, payment_plan: readOnly }), []);
    expect(nav.find((g) => g.key === 'cash')?.items.map((i) => i.path)).toEqual(['/cash/payments']);
    expect(nav.find((g) => g.key === 'analytics')?.items.map((i) => i.path)).toEqual(['/cash/aging']);
  });
  it('shows the lead pages to roles that may read leads', () => {
    const nav = buildNav(me(false, { lead: readOnly }), [obj('lead', 'leads')]);
    expect(nav.find((g) => g.key === 'marketing')?.items.map((i) => i.path)).toEqual([
      '/o/lead',
      '/leads/mine',
      '/leads/pools',
      '/leads/review',
    ]);
    expect(nav.find((g) => g.key === 'analytics')?.items.map((i) => i.path)).toEqual([
      '/marketing/analytics',
    ]);
  });
  it('puts products, contracts and orders in the cash group, in catalog order', () => {
    const cash = [obj('product', 'cash'), obj('contract', 'cash'), obj('order', 'cash')];
    const nav = buildNav(me(false, { product: readOnly, order: readOnly }), cash);
    expect(nav.map((g) => g.key)).toEqual(['sales', 'cash']);
    expect(nav[1]?.items.map((i) => i.path)).toEqual(['/o/product', '/o/order']);
  });
  it('opens price lists in their editor instead of the generic list', () => {
    const nav = buildNav(me(false, { price_list: readOnly }), [obj('price_list', 'cash')]);
    const item = nav.find((g) => g.key === 'cash')?.items[0];
    expect(item?.path).toBe('/cash/price-lists');
    expect(item?.object?.api_name).toBe('price_list');
  });
  it('lists the traffic-light board once: the object opens the board', () => {
    const nav = buildNav(me(false, { traffic_light: readOnly, account: readOnly }), [
      obj('traffic_light', 'success'),
    ]);
    const paths = nav.flatMap((g) => g.items.map((i) => i.path));
    expect(paths.filter((p) => p === '/success/lights')).toHaveLength(1);
    expect(paths).not.toContain('/o/traffic_light');
  });

  it('opens surveys in their customer-success page instead of the generic list', () => {
    const nav = buildNav(me(false, { survey: readOnly }), [obj('survey', 'success')]);
    expect(nav.find((g) => g.key === 'success')?.items[0]?.path).toBe('/success/surveys');
  });
  it('hides what a role may not read, and Settings for non-admins', () => {
    const nav = buildNav(me(false, { contact: readOnly }), objects);
    // the approvals inbox is everyone's: anyone may be named an approver
    expect(nav).toEqual([
      {
        key: 'sales',
        items: [
          expect.objectContaining({ key: '/o/contact' }),
          expect.objectContaining({ key: '/approvals' }),
        ],
      },
    ]);
  });
});

describe('selectedNavKey', () => {
  const items = ['/success', '/success/lights', '/o/account', '/o/account_pool', '/'].map((p) => ({
    key: p,
    path: p,
  }));
  it('picks the longest path the URL is inside, on a segment boundary', () => {
    expect(selectedNavKey(items, '/success/lights')).toBe('/success/lights');
    expect(selectedNavKey(items, '/success')).toBe('/success');
    expect(selectedNavKey(items, '/o/account_pool/12')).toBe('/o/account_pool');
    expect(selectedNavKey(items, '/o/account/12')).toBe('/o/account');
    expect(selectedNavKey(items, '/settings')).toBe('/');
  });
});
