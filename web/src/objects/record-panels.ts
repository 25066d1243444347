import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { ObjectMeta, RecordData } from '../api/types';

export interface RecordPanelProps {
  meta: ObjectMeta;
  record: RecordData;
  /** Re-reads the record, its lists and its history after the panel changed something. */
  refresh: () => Promise<void>;
}

/**
 * Module panels shown on a record page between the header and the tabs (a lead's pool actions,
 * score and timeline; a campaign's members and ROI). Loaded on demand so the generic record page
 * stays small for every other object.
 */
export const RECORD_PANELS: Partial<Record<string, LazyExoticComponent<ComponentType<RecordPanelProps>>>> = {
  lead: lazy(() => import('../leads/lead-panel')),
  campaign: lazy(() => import('../marketing/campaign-panel')),
  opportunity: lazy(() => import('../sales/opportunity-panel')),
  contact: lazy(() => import('../activities/contact-panel')),
  account: lazy(() => import('../accounts/account-panel')),
};
