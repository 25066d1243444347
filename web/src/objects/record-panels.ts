import { createElement, Fragment, lazy, Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import type { ObjectMeta, RecordData } from '../api/types';

export interface RecordPanelProps {
  meta: ObjectMeta;
  record: RecordData;
  /** Re-reads the record, its lists and its history after the panel changed something. */
  refresh: () => Promise<void>;
}

type Panel = LazyExoticComponent<ComponentType<RecordPanelProps>>;
type PanelModule = Promise<{ default: ComponentType<RecordPanelProps> }>;

/**
 * Panels of several modules on one object (an account's 360° view, then its orders, receivables
 * and subscriptions), in order. All start loading at once; the page waits only for the first (the
 * object's own panel) and each later one appears when its code has arrived.
 */
function stacked(main: () => PanelModule, ...more: (() => PanelModule)[]): Panel {
  return lazy(async () => {
    const others = more.map((load) => {
      const loading = load();
      return lazy(() => loading);
    });
    const Main = (await main()).default;
    return {
      default: (props: RecordPanelProps) =>
        createElement(
          Fragment,
          null,
          createElement(Main, props),
          ...others.map((P, i) =>
            createElement(Suspense, { key: i, fallback: null }, createElement(P, props)),
          ),
        ),
    };
  });
}

/**
 * Module panels shown on a record page between the header and the tabs (a lead's pool actions,
 * score and timeline; a campaign's members and ROI). Loaded on demand so the generic record page
 * stays small for every other object.
 */
export const RECORD_PANELS: Partial<Record<string, Panel>> = {
  lead: lazy(() => import('../leads/lead-panel')),
  campaign: lazy(() => import('../marketing/campaign-panel')),
  opportunity: stacked(
    () => import('../sales/opportunity-panel'),
    () => import('../quotes/opportunity-quotes-panel'),
  ),
  contact: lazy(() => import('../activities/contact-panel')),
  contract: lazy(() => import('../contracts/contract-panel')),
  account: stacked(
    () => import('../accounts/account-panel'),
    () => import('../cash/account-orders-panel'),
    () => import('../receivables/account-receivables-panel'),
    () => import('../subscriptions/account-subscriptions-panel'),
    () => import('../success/account-health-panel'),
    () => import('../success/account-lights-panel'),
    () => import('../success/account-journey-panel'),
    () => import('../success/account-feedback-panel'),
  ),
};

/**
 * Panels every record page shows after its module's panel, whatever the object: approvals
 * (submit, lock notice, history) and attachments.
 */
export const GENERIC_PANELS: Panel[] = [
  lazy(() => import('../approvals/record-approvals-panel')),
  lazy(() => import('../files/attachments-panel')),
];
