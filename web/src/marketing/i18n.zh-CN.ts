/** Messages of the marketing pages (zh-CN); merged into the app catalog. */
export const marketingZhCN = {
  'marketing.placeholder': '建设中',
} as const;
