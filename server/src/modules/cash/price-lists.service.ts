import { sql } from 'kysely';
import { z } from 'zod';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { newId } from '../../platform/db/ids.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { Platform } from '../../platform/platform.ts';
import {
  parseQuantity,
  QTY_DECIMALS,
  scaledToNumber,
  validateTiers,
  type Tier,
  type TierMode,
} from './pricing.rules.ts';
import { tiersOf } from './pricing.service.ts';
import { zodIssues } from './zod-issues.ts';

export const MAX_LIST_ITEMS = 2_000;
const MAX_TIERS = 50;
const MAX_MONEY = 1e13;

const decimal = z.union([z.number(), z.string().max(40)]);

export const itemsSchema = z.strictObject({
  /** the list's version as last read: a concurrent change answers 409 */
  version: z.number().int().optional(),
  items: z
    .array(
      z.strictObject({
        product_id: z.string().uuid(),
        unit_price: z.number().int().min(0).max(MAX_MONEY),
        tier_mode: z.enum(['none', 'range', 'slab']).default('none'),
        min_quantity: decimal.nullish(),
        tiers: z
          .array(
            z.strictObject({
              from_qty: decimal,
              to_qty: decimal.nullish(),
              unit_price: z.number().int().min(0).max(MAX_MONEY),
            }),
          )
          .max(MAX_TIERS)
          .optional(),
      }),
    )
    .max(MAX_LIST_ITEMS),
});

export interface PriceListItemView {
  id: string;
  position: number;
  product_id: string;
  product_sku: string;
  product_name: string;
  product_active: boolean;
  unit_price: number;
  tier_mode: TierMode;
  min_quantity: number | null;
  tiers: Array<{ from_qty: number; to_qty: number | null; unit_price: number }>;
}

interface CheckedItem {
  product_id: string;
  unit_price: number;
  tier_mode: TierMode;
  min_quantity: bigint | null;
  tiers: Tier[];
}

const qtyText = (v: bigint): string => scaledToNumber(v, QTY_DECIMALS).toFixed(QTY_DECIMALS);

/** The items (products, prices, volume tiers) of a price list; the list itself is a generic record. */
export class PriceListsService {
  constructor(readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  async items(actor: Actor, listId: string): Promise<PriceListItemView[]> {
    await this.p.records.get(actor, 'price_list', listId);
    return this.itemsOf(this.tdb(actor), listId);
  }

  private async itemsOf(tdb: TenantDb, listId: string): Promise<PriceListItemView[]> {
    const rows = await tdb.query(sql<{
      id: string;
      position: number;
      product_id: string;
      product_sku: string;
      product_name: string;
      product_active: boolean;
      unit_price: number;
      tier_mode: TierMode;
      min_quantity: string | null;
    }>`
      select i.id, i.position, i.product_id, p.sku as product_sku, p.name as product_name,
        p.active and p.deleted_at is null as product_active, i.unit_price, i.tier_mode,
        i.min_quantity::text as min_quantity
      from price_list_item i join product p on p.tenant_id = i.tenant_id and p.id = i.product_id
      where i.tenant_id = ${tdb.tenantId} and i.price_list_id = ${listId}
      order by i.position, i.id`);
    const tiers = await tiersOf(
      tdb,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      ...r,
      min_quantity: r.min_quantity === null ? null : Number(r.min_quantity),
      tiers: (r.tier_mode === 'none' ? [] : (tiers.get(r.id) ?? [])).map((t) => ({
        from_qty: scaledToNumber(t.from_qty, QTY_DECIMALS),
        to_qty: t.to_qty === null ? null : scaledToNumber(t.to_qty, QTY_DECIMALS),
        unit_price: Number(t.unit_price),
      })),
    }));
  }

  /**
   * Replaces every item of the list in one transaction: products exist and appear once, tiers
   * start at 0 and follow each other without gaps or overlaps. Needs edit rights on the list;
   * any problem → 422 naming the field (`items[3].tiers[1].from_qty`), nothing written.
   */
  async saveItems(actor: Actor, listId: string, body: unknown): Promise<PriceListItemView[]> {
    await this.p.records.get(actor, 'price_list', listId);
    if (!can(actor, 'price_list', 'update')) throw forbidden();
    const parsed = itemsSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    const { items, version } = parsed.data;
    const issues: FieldIssue[] = [];
    const checked: CheckedItem[] = [];
    const seen = new Map<string, number>();
    items.forEach((it, i) => {
      const at = `items[${i}]`;
      if (seen.has(it.product_id)) issues.push({ field: `${at}.product_id`, issue: 'duplicate_item' });
      seen.set(it.product_id, i);
      const min =
        it.min_quantity === null || it.min_quantity === undefined
          ? null
          : parseQuantity(it.min_quantity, `${at}.min_quantity`, issues);
      let tiers: Tier[] = [];
      if (it.tier_mode === 'none') {
        if (it.tiers?.length) issues.push({ field: `${at}.tiers`, issue: 'invalid_value' });
      } else {
        const v = validateTiers(it.tiers ?? [], `${at}.tiers`);
        issues.push(...v.issues);
        tiers = v.tiers;
      }
      if (min !== undefined)
        checked.push({
          product_id: it.product_id,
          unit_price: it.unit_price,
          tier_mode: it.tier_mode,
          min_quantity: min,
          tiers,
        });
    });
    const tdb = this.tdb(actor);
    const ids = [...seen.keys()];
    if (ids.length) {
      const found = await tdb.query(sql<{ id: string }>`
        select id from product where tenant_id = ${tdb.tenantId} and deleted_at is null and id = any(${ids}::uuid[])`);
      const live = new Set(found.map((r) => r.id));
      items.forEach((it, i) => {
        if (!live.has(it.product_id))
          issues.push({ field: `items[${i}].product_id`, issue: 'invalid_reference' });
      });
    }
    if (issues.length) throw invalid(issues);

    await tdb.transaction(async (tx) => {
      // the row lock orders concurrent replacements of one list; the version catches lost updates
      const cur = await tx.one(sql<{ version: number }>`
        select version from price_list where tenant_id = ${tx.tenantId} and id = ${listId} and deleted_at is null
        for update`);
      if (!cur) throw new AppError('not_found', 'not_found');
      if (version !== undefined && version !== cur.version)
        throw new AppError('conflict', 'version_conflict');
      const before = await this.itemsOf(tx, listId);
      await tx.exec0(
        sql`delete from price_list_item where tenant_id = ${tx.tenantId} and price_list_id = ${listId}`,
      );
      const itemRows = checked.map((c, position) => ({
        tenant_id: tx.tenantId,
        id: newId(),
        price_list_id: listId,
        product_id: c.product_id,
        position,
        unit_price: c.unit_price,
        tier_mode: c.tier_mode,
        min_quantity: c.min_quantity === null ? null : qtyText(c.min_quantity),
      }));
      const tierRows = checked.flatMap((c, k) =>
        c.tiers.map((t) => ({
          tenant_id: tx.tenantId,
          id: newId(),
          item_id: itemRows[k]?.id,
          from_qty: qtyText(t.from_qty),
          to_qty: t.to_qty === null ? null : qtyText(t.to_qty),
          unit_price: Number(t.unit_price),
        })),
      );
      // one statement per table: a list of 2,000 items is one insert, not 2,000
      if (itemRows.length)
        await tx.exec0(sql`insert into price_list_item
            (tenant_id, id, price_list_id, product_id, position, unit_price, tier_mode, min_quantity)
          select tenant_id, id, price_list_id, product_id, position, unit_price, tier_mode, min_quantity
          from jsonb_populate_recordset(null::price_list_item, ${JSON.stringify(itemRows)}::jsonb)`);
      if (tierRows.length)
        await tx.exec0(sql`insert into price_tier (tenant_id, id, item_id, from_qty, to_qty, unit_price)
          select tenant_id, id, item_id, from_qty, to_qty, unit_price
          from jsonb_populate_recordset(null::price_tier, ${JSON.stringify(tierRows)}::jsonb)`);
      await tx.exec0(sql`update price_list set version = version + 1, updated_at = now(), updated_by = ${actor.userId}
        where tenant_id = ${tx.tenantId} and id = ${listId}`);
      const after = await this.itemsOf(tx, listId);
      const brief = (xs: PriceListItemView[]) =>
        xs.map((x) => ({
          product_id: x.product_id,
          unit_price: x.unit_price,
          tier_mode: x.tier_mode,
          min_quantity: x.min_quantity,
          tiers: x.tiers,
        }));
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'price_list',
          recordId: listId,
          changes: { items: [brief(before), brief(after)] },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'price_list.items_replaced',
          object: 'price_list',
          recordId: listId,
          payload: { id: listId, items: brief(after) },
        },
      ]);
    });
    return this.itemsOf(tdb, listId);
  }
}
