import type { leadsZhCN } from './i18n.zh-CN';

/** Messages of the leads pages (en-US); the catalog test checks parity with zh-CN. */
export const leadsEnUS: Record<keyof typeof leadsZhCN, string> = {
  'leads.placeholder': 'Under construction',
};
