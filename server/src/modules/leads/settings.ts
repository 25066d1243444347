import { sql } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import type { AssignmentRule } from './assignment.rules.ts';
import type { ConversionMapping } from './conversion.rules.ts';
import { DEFAULT_PROTECTION, type ProtectionSettings } from '../accounts/index.ts';
import { DEFAULT_SCORING, type ScoringSettings } from './scoring.rules.ts';

/** A duplicate rule: fields combined with and/or, each exact or fuzzy; what a hit means on capture. */
export interface DuplicateRule {
  id: string;
  fields: Array<{ field: 'mobile' | 'email' | 'company'; match: 'exact' | 'fuzzy' }>;
  combinator: 'and' | 'or';
  /** on capture: merge into the existing lead as a new touch, or create and flag for review */
  onCapture: 'merge' | 'review';
}

export interface LeadSettings {
  duplicateRules: DuplicateRule[];
  /** pg_trgm similarity for fuzzy company matches */
  fuzzyThreshold: number;
  /** manual entry hitting a duplicate: warn (the UI asks first) or block */
  manualDuplicatePolicy: 'warn' | 'block';
  invalidReasons: string[];
  scoring: ScoringSettings;
  assignmentRules: AssignmentRule[];
  /** pool for captured leads nobody was assigned to */
  defaultPoolId: string | null;
  /**
   * protection period of leads claimed from a pool (LEADS.md 8.6). Off by default: DOMAIN.md's
   * numbers are an example, and with it on every claimed lead goes back within hardLimitDays.
   */
  protection: ProtectionSettings & { enabled: boolean };
  /** conversion needs the lead qualified (MQL or SQL) first; off so existing flows keep working */
  requireQualifiedToConvert: boolean;
  /** days a lead's previous owner waits before claiming it back after it was returned or recycled */
  reclaimCooldownDays: number;
  /** lead fields (custom ones included) copied into account/contact fields on conversion */
  conversionMapping: ConversionMapping[];
}

export const DEFAULT_LEAD_SETTINGS: LeadSettings = {
  duplicateRules: [
    { id: 'mobile', fields: [{ field: 'mobile', match: 'exact' }], combinator: 'and', onCapture: 'merge' },
    { id: 'email', fields: [{ field: 'email', match: 'exact' }], combinator: 'and', onCapture: 'merge' },
    { id: 'company', fields: [{ field: 'company', match: 'fuzzy' }], combinator: 'and', onCapture: 'review' },
  ],
  fuzzyThreshold: 0.6,
  manualDuplicatePolicy: 'warn',
  invalidReasons: ['联系不上', '无购买意向', '非目标客户', '竞争对手', '重复线索', '虚假信息'],
  scoring: DEFAULT_SCORING,
  assignmentRules: [],
  defaultPoolId: null,
  protection: { ...DEFAULT_PROTECTION, enabled: false },
  requireQualifiedToConvert: false,
  reclaimCooldownDays: 7,
  conversionMapping: [],
};

const condition = z.strictObject({
  field: z.string().max(64),
  op: z.enum(['eq', 'ne', 'contains', 'gte', 'lte', 'in', 'is_set']),
  value: z.unknown().optional(),
});
const labels = z.strictObject({ 'zh-CN': z.string().min(1).max(80), 'en-US': z.string().min(1).max(80) });

export const leadSettingsSchema = z.strictObject({
  duplicateRules: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(40),
        fields: z
          .array(
            z.strictObject({
              field: z.enum(['mobile', 'email', 'company']),
              match: z.enum(['exact', 'fuzzy']),
            }),
          )
          .min(1)
          .max(3),
        combinator: z.enum(['and', 'or']),
        onCapture: z.enum(['merge', 'review']),
      }),
    )
    .max(20),
  fuzzyThreshold: z.number().min(0.3).max(1),
  manualDuplicatePolicy: z.enum(['warn', 'block']),
  invalidReasons: z.array(z.string().min(1).max(40)).min(1).max(50),
  scoring: z.strictObject({
    rules: z
      .array(
        z.union([
          z.strictObject({
            id: z.string().min(1).max(40),
            label: labels,
            group: z.string().max(40),
            points: z.number().int().min(-100).max(100),
            kind: z.literal('field'),
            when: condition,
          }),
          z.strictObject({
            id: z.string().min(1).max(40),
            label: labels,
            group: z.string().max(40),
            points: z.number().int().min(-100).max(100),
            kind: z.literal('behaviour'),
            behaviour: z.enum(['form_submitted', 'campaign_attended', 'campaign_registered']),
            min_count: z.number().int().min(1).max(100),
          }),
        ]),
      )
      .max(100),
    groupCaps: z.record(z.string(), z.number().int().min(0).max(1000)),
    monthlyDecayPercent: z.number().min(0).max(100),
  }),
  assignmentRules: z
    .array(
      z
        .strictObject({
          id: z.string().min(1).max(40),
          name: z.string().min(1).max(80),
          conditions: z.array(condition).max(10),
          strategy: z.enum(['round_robin', 'load']),
          members: z.array(z.string().uuid()).max(200),
          dailyCap: z.number().int().min(0).max(10_000),
          paused: z.array(z.string().uuid()).max(200),
          // optional so clients written before it existed keep working
          poolId: z.string().uuid().nullable().optional(),
        })
        // someone must be a candidate: listed users, or a pool's members
        .refine((r) => r.members.length > 0 || !!r.poolId, { path: ['members'] }),
    )
    .max(50),
  defaultPoolId: z.string().uuid().nullable(),
  protection: z.strictObject({
    // optional so clients written before it existed keep working (off unless sent)
    enabled: z.boolean().optional(),
    days: z.number().int().min(1).max(365),
    extendDays: z.number().int().min(0).max(365),
    hardLimitDays: z.number().int().min(1).max(3650),
  }),
  // optional so clients written before it existed keep working; the default fills it in
  reclaimCooldownDays: z.number().int().min(0).max(365).optional(),
  requireQualifiedToConvert: z.boolean().optional(),
  conversionMapping: z
    .array(
      z.strictObject({
        lead_field: z.string().min(1).max(64),
        object: z.enum(['account', 'contact', 'opportunity']),
        field: z.string().min(1).max(64),
      }),
    )
    .max(100)
    .optional(),
});

/** The tenant's lead settings, defaults filled in. */

// One read per transaction: a 1,000-row import chunk runs the pipeline 1,000 times in one transaction.
const perTransaction = new WeakMap<TenantDb, Promise<LeadSettings>>();

export async function loadLeadSettings(tx: TenantDb): Promise<LeadSettings> {
  const load = async (): Promise<LeadSettings> => {
    const row = await tx.one(
      sql<{
        leads: Partial<LeadSettings> | null;
      }>`select settings->'leads' as leads from tenant where id = ${tx.tenantId}`,
    );
    const saved = row?.leads ?? {};
    return {
      ...DEFAULT_LEAD_SETTINGS,
      ...saved,
      protection: { ...DEFAULT_LEAD_SETTINGS.protection, ...(saved.protection ?? {}) },
    };
  };
  if (!tx.inTransaction) return load();
  let p = perTransaction.get(tx);
  if (!p) {
    p = load();
    perTransaction.set(tx, p);
  }
  return p;
}
