import { sql } from 'kysely';
import { z } from 'zod';
import type { TenantDb } from '../../platform/db/tenant-db.ts';

/** Quote settings kept in `tenant.settings.cash.quotes` (other cash settings sit next to it). */
export interface QuoteSettings {
  /** a new quote is valid for this many days unless it says otherwise */
  validityDays: number;
  /** the seller's name at the top of the PDF (default: the tenant's name) */
  sellerName: string | null;
  /** a PNG or JPEG logo for the PDF header, as a data: URL (at most ~200 KB) */
  logo: string | null;
  /** terms printed under the totals (payment, delivery …) */
  terms: string | null;
}

export const DEFAULT_QUOTE_SETTINGS: QuoteSettings = {
  validityDays: 30,
  sellerName: null,
  logo: null,
  terms: null,
};

const LOGO_RE = /^data:image\/(png|jpeg);base64,[A-Za-z0-9+/]+=*$/;

export const quoteSettingsSchema = z.strictObject({
  validityDays: z.number().int().min(1).max(365),
  sellerName: z.string().trim().min(1).max(200).nullable(),
  logo: z.string().max(280_000).regex(LOGO_RE).nullable(),
  terms: z.string().max(4000).nullable(),
});

/** The tenant's quote settings, defaults filled in for keys missing or no longer valid. */
export async function loadQuoteSettings(tx: TenantDb): Promise<QuoteSettings> {
  const row = await tx.one(
    sql<{
      quotes: Record<string, unknown> | null;
    }>`select settings->'cash'->'quotes' as quotes from tenant where id = ${tx.tenantId}`,
  );
  const out: QuoteSettings = { ...DEFAULT_QUOTE_SETTINGS };
  const stored = row?.quotes ?? {};
  for (const [k, schema] of Object.entries(quoteSettingsSchema.shape)) {
    const v = schema.safeParse(stored[k]);
    if (k in stored && v.success) Object.assign(out, { [k]: v.data });
  }
  return out;
}

/** Stores the quote settings under `cash.quotes`, leaving every other cash setting untouched. */
export async function storeQuoteSettings(tx: TenantDb, s: QuoteSettings): Promise<void> {
  await tx.exec0(sql`update tenant set settings = jsonb_set(
      jsonb_set(coalesce(settings, '{}'::jsonb), '{cash}', coalesce(settings->'cash', '{}'::jsonb)),
      '{cash,quotes}', ${JSON.stringify(s)}::jsonb)
    where id = ${tx.tenantId}`);
}
