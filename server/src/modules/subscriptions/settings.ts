import { sql } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';

/** Subscription settings kept in `tenant.settings.subscriptions`. */
export const subscriptionSettingsSchema = z.strictObject({
  /** a renewal line starting up to this many days after the due date still renews it (seed: 0) */
  renewalGraceDays: z.number().int().min(0).max(90),
  /** create the renewal opportunity this many days before the due date; null: never */
  renewalOpportunityDays: z.number().int().min(1).max(365).nullable(),
});

export type SubscriptionSettings = z.infer<typeof subscriptionSettingsSchema>;

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  renewalGraceDays: 0,
  renewalOpportunityDays: 90,
};

/** The tenant's settings, defaults filled in for keys missing or no longer valid. */
export async function loadSubscriptionSettings(tx: TenantDb): Promise<SubscriptionSettings> {
  const row = await tx.one(
    sql<{
      s: Record<string, unknown> | null;
    }>`select settings->'subscriptions' as s from tenant where id = ${tx.tenantId}`,
  );
  const out: SubscriptionSettings = { ...DEFAULT_SUBSCRIPTION_SETTINGS };
  const stored = row?.s ?? {};
  for (const [k, schema] of Object.entries(subscriptionSettingsSchema.shape)) {
    const v = schema.safeParse(stored[k]);
    if (k in stored && v.success) Object.assign(out, { [k]: v.data });
  }
  return out;
}

export async function storeSubscriptionSettings(tx: TenantDb, s: SubscriptionSettings): Promise<void> {
  await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{subscriptions}',
      coalesce(settings->'subscriptions', '{}'::jsonb) || ${JSON.stringify(s)}::jsonb)
    where id = ${tx.tenantId}`);
}
