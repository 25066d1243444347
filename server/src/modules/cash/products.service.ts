import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { can } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { hasAtMostDecimals } from './order.rules.ts';
import { zodIssues } from './zod-issues.ts';

export interface BundleItemView {
  id: string;
  product_id: string;
  product_sku: string;
  product_name: string;
  product_type: string;
  required: boolean;
  quantity: number;
  min_quantity: number | null;
  max_quantity: number | null;
  position: number;
}

const qty = z.number().positive().max(1e9);
const itemsSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        product_id: z.string().uuid(),
        required: z.boolean().default(true),
        quantity: qty.default(1),
        min_quantity: qty.nullish(),
        max_quantity: qty.nullish(),
      }),
    )
    .max(100),
});

/** Bundle structure: the children a bundle product is sold with and their quantity rules. */
export class ProductsService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async bundleItems(actor: Actor, bundleId: string): Promise<BundleItemView[]> {
    await this.p.records.get(actor, 'product', bundleId);
    return this.itemsOf(this.tdb(actor), bundleId);
  }

  /**
   * Replaces a bundle's children. Children must be live, non-bundle products (one level: a bundle
   * inside a bundle would make quantities multiply in ways nobody reads on a quote).
   */
  async replaceBundleItems(actor: Actor, bundleId: string, body: unknown): Promise<BundleItemView[]> {
    const bundle = await this.p.records.get(actor, 'product', bundleId);
    if (!can(actor, 'product', 'update')) throw forbidden();
    const parsed = itemsSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    const items = parsed.data.items;
    const tdb = this.tdb(actor);
    const ids = [...new Set(items.map((i) => i.product_id))];
    const rows = ids.length
      ? await tdb.query(sql<{ id: string; is_bundle: boolean }>`select id, is_bundle from product
          where tenant_id = ${tdb.tenantId} and deleted_at is null and id = any(${ids}::uuid[])`)
      : [];
    const known = new Map(rows.map((r) => [r.id, r]));
    const issues: FieldIssue[] = [];
    if (!bundle.is_bundle && items.length) issues.push({ field: 'is_bundle', issue: 'invalid_value' });
    const seen = new Set<string>();
    items.forEach((it, i) => {
      const at = (f: string): string => `items[${i}].${f}`;
      const p = known.get(it.product_id);
      if (!p || it.product_id === bundleId)
        issues.push({ field: at('product_id'), issue: 'invalid_reference' });
      else if (p.is_bundle) issues.push({ field: at('product_id'), issue: 'invalid_value' });
      if (seen.has(it.product_id)) issues.push({ field: at('product_id'), issue: 'not_unique' });
      seen.add(it.product_id);
      for (const f of ['quantity', 'min_quantity', 'max_quantity'] as const) {
        const v = it[f];
        if (typeof v === 'number' && !hasAtMostDecimals(v, 4))
          issues.push({ field: at(f), issue: 'invalid_value' });
      }
      const min = it.min_quantity ?? null;
      const max = it.max_quantity ?? null;
      if (min !== null && max !== null && min > max)
        issues.push({ field: at('max_quantity'), issue: 'too_small', params: { min } });
      if ((min !== null && it.quantity < min) || (max !== null && it.quantity > max))
        issues.push({ field: at('quantity'), issue: 'invalid_value' });
    });
    if (issues.length) throw invalid(issues);
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`select 1 from product where tenant_id = ${tx.tenantId} and id = ${bundleId} for update`,
      );
      const before = await this.itemsOf(tx, bundleId);
      await tx.exec0(
        sql`delete from product_bundle_item where tenant_id = ${tx.tenantId} and bundle_id = ${bundleId}`,
      );
      for (const [i, it] of items.entries())
        await tx.exec0(sql`insert into product_bundle_item (tenant_id, id, bundle_id, product_id, required, quantity,
            min_quantity, max_quantity, position)
          values (${tx.tenantId}, ${newId()}, ${bundleId}, ${it.product_id}, ${it.required}, ${it.quantity},
            ${it.min_quantity ?? null}, ${it.max_quantity ?? null}, ${i})`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'product',
          recordId: bundleId,
          changes: {
            bundle_items: [
              before.map((b) => ({ product_id: b.product_id, required: b.required, quantity: b.quantity })),
              items,
            ],
          },
        },
      ]);
    });
    return this.itemsOf(tdb, bundleId);
  }

  private async itemsOf(tdb: TenantDb, bundleId: string): Promise<BundleItemView[]> {
    const rows = await tdb.query(sql<BundleItemView>`select b.id, b.product_id, p.sku as product_sku,
        p.name as product_name, p.type as product_type, b.required, b.quantity::float8 as quantity,
        b.min_quantity::float8 as min_quantity, b.max_quantity::float8 as max_quantity, b.position
      from product_bundle_item b join product p on p.tenant_id = b.tenant_id and p.id = b.product_id
      where b.tenant_id = ${tdb.tenantId} and b.bundle_id = ${bundleId} order by b.position`);
    return rows;
  }
}
