import type { HookAPI } from 'antd/es/modal/useModal';
import type { Translate } from '../i18n/i18n-context';

/** Resolves true to go on saving; may ask the user first (a dialog through `modal`). */
export type CreateGuard = (values: Record<string, unknown>, modal: HookAPI, t: Translate) => Promise<boolean>;

/**
 * Module checks that run before a record is created from the generic form (a lead's duplicate
 * check). Loaded on demand, so other objects' create pages do not carry the module's code.
 */
export const CREATE_GUARDS: Partial<Record<string, () => Promise<CreateGuard>>> = {
  lead: () => import('../leads/create-guard').then((m) => m.leadCreateGuard),
  account: () => import('../accounts/create-guard').then((m) => m.accountCreateGuard),
  opportunity: () => import('../sales/create-guard').then((m) => m.opportunityCreateGuard),
};
