export type Action = 'submit' | 'sign' | 'esign' | 'archive' | 'terminate';

/** Which actions a contract's status offers (docs/CASH.md: draft → in approval → signed → archived → terminated). */
export function contractActions(status: string, esignStatus: string | null): Action[] {
  switch (status) {
    case 'draft':
      return ['submit', 'sign', ...(esignStatus === 'sent' ? [] : (['esign'] as const))];
    case 'in_approval':
      return ['sign', ...(esignStatus === 'sent' ? [] : (['esign'] as const))];
    case 'signed':
      return ['archive', 'terminate'];
    case 'archived':
      return ['terminate'];
    default:
      return [];
  }
}
