import type { marketingZhCN } from './i18n.zh-CN';

/** Messages of the marketing pages (en-US); the catalog test checks parity with zh-CN. */
export const marketingEnUS: Record<keyof typeof marketingZhCN, string> = {
  'marketing.placeholder': 'Under construction',
};
