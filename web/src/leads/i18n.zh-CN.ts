/** Messages of the leads pages (zh-CN); merged into the app catalog. */
export const leadsZhCN = {
  'leads.placeholder': '建设中',
} as const;
