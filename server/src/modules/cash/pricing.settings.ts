import { sql } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';

/** Pricing settings kept in `tenant.settings.cash` (other cash settings may sit next to them). */
export interface PricingSettings {
  /**
   * true: a line gets the lowest price among the standard price and every price list that
   * applies; false (default): the applicable list with the lowest priority number wins.
   */
  bestPrice: boolean;
}

export const DEFAULT_PRICING_SETTINGS: PricingSettings = { bestPrice: false };

export const pricingSettingsSchema = z.strictObject({ bestPrice: z.boolean() });

/** The pricing settings in a stored `tenant.settings.cash` object, defaults filled in. */
export function pricingSettingsOf(cash: Record<string, unknown> | null | undefined): PricingSettings {
  // a plain check rather than a zod parse: this runs on every price calculation
  const bestPrice = cash?.bestPrice;
  return { ...DEFAULT_PRICING_SETTINGS, ...(typeof bestPrice === 'boolean' ? { bestPrice } : {}) };
}

/** The tenant's pricing settings, defaults filled in (only the keys this file owns). */
export async function loadPricingSettings(tx: TenantDb): Promise<PricingSettings> {
  const row = await tx.one(
    sql<{
      cash: Record<string, unknown> | null;
    }>`select settings->'cash' as cash from tenant where id = ${tx.tenantId}`,
  );
  return pricingSettingsOf(row?.cash);
}

/** Merges the keys into `tenant.settings.cash`, leaving any other keys there untouched. */
export async function storePricingSettings(tx: TenantDb, s: PricingSettings): Promise<void> {
  await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{cash}',
      coalesce(settings->'cash', '{}'::jsonb) || ${JSON.stringify(s)}::jsonb)
    where id = ${tx.tenantId}`);
}
