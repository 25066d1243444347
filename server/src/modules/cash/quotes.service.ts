import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, notFound, type FieldIssue } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { addDays, todayIn } from '../../platform/jobs/dates.rules.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import type { ApprovalHandler } from '../../platform/approvals/approvals.types.ts';
import type { ListResult } from '../../platform/records/records.service.ts';
import { isIsoDate } from './order.rules.ts';
import type { OrdersService } from './orders.service.ts';
import { priceLines, type PricingResult } from './pricing.service.ts';
import { renderQuotePdf } from './quote-pdf.ts';
import {
  canBranch,
  canMove,
  isEditable,
  isLapsed,
  isQuoteStatus,
  orderLinesFromQuote,
  pdfFileName,
  periodIssues,
  validUntilIssue,
  type QuoteLanguage,
  type QuoteStatus,
} from './quotes.rules.ts';
import {
  loadQuoteSettings,
  quoteSettingsSchema,
  storeQuoteSettings,
  type QuoteSettings,
} from './quotes.settings.ts';
import { parseBody } from './zod-issues.ts';

const MAX_LINES = 500;

/** A bundle's optional child to include, or a child with its own quantity per bundle. */
export type BundleOption = string | { product_id: string; quantity?: number | string | null | undefined };
const isoDate = z.string().refine(isIsoDate, 'invalid_date');
const decimal = z.union([z.number(), z.string().max(40)]);

const lineSchema = z.strictObject({
  product_id: z.string().uuid(),
  quantity: decimal,
  discount: decimal.nullish(),
  unit_price: z.number().nullish(),
  service_start: isoDate.nullish(),
  service_end: isoDate.nullish(),
  options: z
    .array(
      z.union([
        z.string().uuid(),
        z.strictObject({ product_id: z.string().uuid(), quantity: decimal.nullish() }),
      ]),
    )
    .max(100)
    .optional(),
});

const createSchema = z.strictObject({
  opportunity_id: z.string().uuid(),
  name: z.string().trim().max(200).nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  valid_until: isoDate.nullish(),
  header_discount: decimal.nullish(),
  language: z.enum(['zh-CN', 'en-US']).optional(),
  notes: z.string().max(5000).nullish(),
  owner_id: z.string().uuid().optional(),
  lines: z.array(lineSchema).min(1).max(MAX_LINES),
});

const linesSchema = z.strictObject({
  version: z.number().int().optional(),
  header_discount: decimal.nullish(),
  lines: z.array(lineSchema).min(1).max(MAX_LINES),
});

const versionSchema = z.strictObject({ version: z.number().int().optional() });

const acceptSchema = z.strictObject({
  version: z.number().int().optional(),
  create_contract: z.boolean().optional(),
  confirm_order: z.boolean().optional(),
  contract_name: z.string().trim().min(1).max(200).optional(),
  order_type: z.enum(['new', 'renewal', 'expansion', 'downgrade']).optional(),
  order_date: isoDate.optional(),
});

export interface QuoteLineView {
  id: string;
  position: number;
  line_index: number;
  parent_line_id: string | null;
  product_id: string;
  product_type: 'subscription' | 'one_time' | 'service';
  sku: string;
  product_name: string;
  product_name_en: string | null;
  unit: string | null;
  is_bundle: boolean;
  options: BundleOption[];
  quantity: number;
  list_price: number;
  unit_price: number;
  price_source: 'standard' | 'price_list' | 'override';
  price_list_id: string | null;
  discount: number;
  gross_amount: number;
  amount: number;
  header_discount_amount: number;
  net_amount: number;
  tax_rate: number;
  tax: number;
  cost: number | null;
  service_start: string | null;
  service_end: string | null;
}

export interface QuoteDocumentView {
  id: string;
  quote_version: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  /** the same PDF in the quote's attachments (platform/files); null for PDFs stored before that */
  attachment_id: string | null;
  created_by: string | null;
  created_at: string;
}

export type QuoteView = Rec & { lines: QuoteLineView[]; documents: QuoteDocumentView[] };

export interface SubmitResult {
  quote: QuoteView;
  /** 'approval': an approval process took it (in approval, locked); 'auto': no process applies, approved */
  route: 'approval' | 'auto';
  /** the approval instance (GET /api/v1/approvals/{id}) when a process took it */
  approval_id: string | null;
}

const money = (v: unknown): number =>
  typeof v === 'object' && v !== null && 'amount' in v ? Number((v as { amount: unknown }).amount) : 0;

/** Quotes with their priced lines: versions, approval, sending, acceptance into an order, PDFs. */
export class QuotesService {
  constructor(
    readonly p: Platform,
    private readonly orders: OrdersService,
  ) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** Creates version 1 of a quote for an opportunity the actor can read, its lines priced. */
  async create(actor: Actor, body: unknown): Promise<QuoteView> {
    const input = parseBody(createSchema, body);
    const opp = await this.readable(actor, 'opportunity', input.opportunity_id, 'opportunity_id');
    const tdb = this.tdb(actor);
    const tz = await tenantTimeZone(tdb);
    const today = todayIn(tz);
    const settings = await loadQuoteSettings(tdb);
    const issue = validUntilIssue(input.valid_until, today);
    if (issue) throw invalid([issue]);
    const currency = input.currency ?? actor.currency;
    const accountId = String(opp.account_id);
    const id = await tdb.transaction(async (tx) => {
      const priced = await priceLines(tx, actor, {
        account_id: accountId,
        currency,
        as_of: today,
        header_discount: input.header_discount ?? 0,
        lines: input.lines,
      });
      const [quote] = await this.p.records.createMany(
        actor,
        'quote',
        [
          {
            opportunity_id: input.opportunity_id,
            name: input.name ?? (typeof opp.name === 'string' ? opp.name : null),
            currency,
            valid_until: input.valid_until ?? addDays(today, settings.validityDays),
            language: input.language ?? actor.locale,
            notes: input.notes ?? null,
            ...(input.owner_id ? { owner_id: input.owner_id } : {}),
            ...this.totals(priced),
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const quoteId = String(quote?.id);
      await this.insertPriced(tx, quoteId, priced, input.lines);
      return quoteId;
    });
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<QuoteView> {
    const quote = await this.p.records.get(actor, 'quote', id);
    const tdb = this.tdb(actor);
    return { ...quote, lines: await this.linesOf(tdb, id), documents: await this.documentsOf(tdb, id) };
  }

  /** Re-prices a draft with new lines (and header discount); any other status answers 409. */
  async replaceLines(actor: Actor, id: string, body: unknown): Promise<QuoteView> {
    const input = parseBody(linesSchema, body);
    const tdb = this.tdb(actor);
    const today = todayIn(await tenantTimeZone(tdb));
    await tdb.transaction(async (tx) => {
      const quote = await this.lockForWrite(actor, tx, id, input.version);
      const status = statusOf(quote);
      if (!isEditable(status)) throw new AppError('conflict', 'quote_locked', [], { status });
      const priced = await priceLines(tx, actor, {
        account_id: String(quote.account_id),
        currency: String(quote.currency),
        as_of: today,
        header_discount: input.header_discount ?? Number(quote.header_discount ?? 0),
        lines: input.lines,
      });
      const before = await this.linesOf(tx, id);
      await tx.exec0(sql`delete from quote_line where tenant_id = ${tx.tenantId} and quote_id = ${id}`);
      await this.insertPriced(tx, id, priced, input.lines);
      await this.p.records.update(actor, 'quote', id, this.totals(priced), { tx, allowReadOnly: true });
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'quote',
          recordId: id,
          changes: { lines: [before.map(auditLine), priced.lines.map(auditLine)] },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /**
   * Clones a version into the next one (a draft with the same lines, header and terms); the
   * source version is superseded. A lapsed validity date starts afresh from today.
   */
  async newVersion(actor: Actor, id: string, body: unknown): Promise<QuoteView> {
    const input = parseBody(versionSchema, body);
    const tdb = this.tdb(actor);
    const today = todayIn(await tenantTimeZone(tdb));
    const settings = await loadQuoteSettings(tdb);
    const newId_ = await tdb.transaction(async (tx) => {
      const src = await this.lockForWrite(actor, tx, id, input.version);
      const status = statusOf(src);
      if (!canBranch(status)) throw new AppError('conflict', 'quote_state_conflict', [], { status });
      const root = typeof src.parent_quote_id === 'string' ? src.parent_quote_id : id;
      const top = await tx.one(sql<{ v: number }>`select max(quote_version)::int as v from quote
        where tenant_id = ${tx.tenantId} and (id = ${root} or parent_quote_id = ${root})`);
      const validUntil =
        typeof src.valid_until === 'string' && src.valid_until >= today
          ? src.valid_until
          : addDays(today, settings.validityDays);
      const currency = String(src.currency);
      const copy = (f: string) => ({ amount: money(src[f]), currency });
      const [created] = await this.p.records.createMany(
        actor,
        'quote',
        [
          {
            number: src.number,
            name: src.name ?? null,
            opportunity_id: src.opportunity_id,
            quote_version: (top?.v ?? Number(src.quote_version)) + 1,
            parent_quote_id: root,
            previous_version_id: id,
            currency,
            valid_until: validUntil,
            header_discount: src.header_discount ?? 0,
            language: src.language ?? 'zh-CN',
            notes: src.notes ?? null,
            ...(src.owner_id ? { owner_id: src.owner_id } : {}),
            list_total: copy('list_total'),
            subtotal: copy('subtotal'),
            discount_total: copy('discount_total'),
            net_total: copy('net_total'),
            tax_total: copy('tax_total'),
            grand_total: copy('grand_total'),
            cost_total: copy('cost_total'),
            margin_amount: copy('margin_amount'),
            margin_percent: src.margin_percent ?? null,
            max_line_discount: src.max_line_discount ?? 0,
            effective_discount: src.effective_discount ?? null,
          },
        ],
        { allowReadOnly: true },
        tx,
      );
      const nid = String(created?.id);
      await this.cloneLines(tx, id, nid);
      await this.p.records.update(actor, 'quote', id, { status: 'superseded' }, { tx, allowReadOnly: true });
      return nid;
    });
    return this.get(actor, newId_);
  }

  /** Every version of the quote's chain, oldest first (those the actor can read). */
  async versions(actor: Actor, id: string): Promise<Rec[]> {
    const quote = await this.p.records.get(actor, 'quote', id);
    const root = typeof quote.parent_quote_id === 'string' ? quote.parent_quote_id : id;
    const r = await this.p.records.list(actor, 'quote', {
      filter: [
        {
          or: [
            { field: 'id', op: 'eq', value: root },
            { field: 'parent_quote_id', op: 'eq', value: root },
          ],
        },
      ],
      sort: [{ field: 'quote_version', desc: false }],
      limit: 200,
      expand: [],
      count: false,
      deleted: 'exclude',
    });
    return r.data;
  }

  /** Earlier quotes of an account (newest first), each with its lines: the price history reps look up. */
  async ofAccount(
    actor: Actor,
    accountId: string,
    q: { cursor?: string | undefined; limit?: number | undefined; product_id?: string | undefined },
  ): Promise<{ data: QuoteView[]; next_cursor: string | null }> {
    await this.readable(actor, 'account', accountId, 'account_id');
    const filter: Array<{ field: string; op: 'eq'; value: unknown }> = [
      { field: 'account_id', op: 'eq', value: accountId },
    ];
    const list: ListResult = await this.p.records.list(actor, 'quote', {
      filter,
      sort: [{ field: 'created_at', desc: true }],
      limit: Math.min(Math.max(q.limit ?? 20, 1), 100),
      ...(q.cursor ? { cursor: q.cursor } : {}),
      expand: [],
      count: false,
      deleted: 'exclude',
    });
    const tdb = this.tdb(actor);
    const ids = list.data.map((r) => String(r.id));
    const lines = await this.linesOfMany(tdb, ids);
    const docs = await this.documentsOfMany(tdb, ids);
    let data: QuoteView[] = list.data.map((r) => ({
      ...r,
      lines: lines.get(String(r.id)) ?? [],
      documents: docs.get(String(r.id)) ?? [],
    }));
    if (q.product_id) data = data.filter((d) => d.lines.some((l) => l.product_id === q.product_id));
    return { data, next_cursor: list.next_cursor };
  }

  /**
   * Submits a draft to the approvals engine: the first matching approval process of `quote` takes
   * it (in_approval and locked until decided; the outcome comes back through quoteApprovals), and
   * without a matching process it is approved at once. Conditions can use the header fields:
   * max_line_discount, header_discount, effective_discount, margin_percent, net_total …
   */
  async submit(actor: Actor, id: string, body: unknown): Promise<SubmitResult> {
    const input = parseBody(versionSchema, body);
    const tdb = this.tdb(actor);
    const today = todayIn(await tenantTimeZone(tdb));
    const out = await tdb.transaction(async (tx) => {
      const quote = await this.lockForWrite(actor, tx, id, input.version);
      const status = statusOf(quote);
      if (status !== 'draft') throw new AppError('conflict', 'quote_state_conflict', [], { status });
      await this.checkSendable(tx, quote, id, today);
      const now = new Date().toISOString();
      await this.p.records.update(actor, 'quote', id, { submitted_at: now }, { tx, allowReadOnly: true });
      const instance = await this.p.approvals.submit(
        actor,
        { object: 'quote', recordId: id, trigger: 'manual' },
        tx,
      );
      if (instance) return { route: 'approval' as const, approval_id: instance.id };
      await this.p.records.update(
        actor,
        'quote',
        id,
        { status: 'approved', approved_at: now },
        { tx, allowReadOnly: true },
      );
      return { route: 'auto' as const, approval_id: null };
    });
    return { quote: await this.get(actor, id), ...out };
  }

  /** An approved quote goes to the customer: sent (immutable from now on), its PDF kept with it. */
  async send(actor: Actor, id: string, body: unknown): Promise<QuoteView> {
    const input = parseBody(versionSchema, body);
    const tdb = this.tdb(actor);
    const today = todayIn(await tenantTimeZone(tdb));
    await tdb.transaction(async (tx) => {
      const quote = await this.lockForWrite(actor, tx, id, input.version);
      const status = statusOf(quote);
      if (status !== 'approved') throw new AppError('conflict', 'quote_state_conflict', [], { status });
      if (isLapsed({ status, valid_until: dateOf(quote.valid_until) }, today))
        throw new AppError('conflict', 'quote_expired', [], { date: String(quote.valid_until) });
      await this.p.records.update(
        actor,
        'quote',
        id,
        { status: 'sent', sent_at: new Date().toISOString() },
        { tx, allowReadOnly: true },
      );
      await this.storePdf(tx, actor, id);
      await emitEvents(tx, actor.userId, [
        {
          type: 'quote.sent',
          object: 'quote',
          recordId: id,
          payload: {
            id,
            number: quote.number,
            quote_version: quote.quote_version,
            account_id: quote.account_id,
          },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /**
   * The customer accepts: in one transaction the order (and, when asked, the contract) is created
   * with the quote's lines, and the quote is accepted and points at them.
   */
  async accept(actor: Actor, id: string, body: unknown): Promise<QuoteView> {
    const input = parseBody(acceptSchema, body);
    const tdb = this.tdb(actor);
    const today = todayIn(await tenantTimeZone(tdb));
    await tdb.transaction(async (tx) => {
      const quote = await this.lockForWrite(actor, tx, id, input.version);
      const status = statusOf(quote);
      if (!canMove(status, 'accepted'))
        throw new AppError('conflict', 'quote_state_conflict', [], { status });
      if (isLapsed({ status, valid_until: dateOf(quote.valid_until) }, today))
        throw new AppError('conflict', 'quote_expired', [], { date: String(quote.valid_until) });
      const lines = await this.linesOf(tx, id);
      const currency = String(quote.currency);
      const net = money(quote.net_total);
      let contractId: string | null = null;
      if (input.create_contract) {
        const starts = lines.map((l) => l.service_start).filter((d): d is string => d !== null);
        const ends = lines.map((l) => l.service_end).filter((d): d is string => d !== null);
        const [contract] = await this.p.records.createMany(
          actor,
          'contract',
          [
            {
              name: input.contract_name ?? String(quote.name ?? quote.number),
              account_id: quote.account_id,
              opportunity_id: quote.opportunity_id,
              quote_id: id,
              amount: { amount: net, currency },
              ...(starts.length ? { start_date: starts.sort()[0] } : {}),
              ...(ends.length ? { end_date: ends.sort().at(-1) } : {}),
            },
          ],
          { allowReadOnly: true },
          tx,
        );
        contractId = String(contract?.id);
      }
      const order = await this.orders.create(
        actor,
        {
          account_id: quote.account_id,
          contract_id: contractId,
          opportunity_id: quote.opportunity_id,
          ...(quote.owner_id ? { owner_id: quote.owner_id } : {}),
          type: input.order_type ?? 'new',
          // confirming here emits order.confirmed (ERP push, subscriptions) in this same transaction
          status: input.confirm_order ? 'confirmed' : 'draft',
          currency,
          order_date: input.order_date ?? today,
          lines: orderLinesFromQuote(lines),
        },
        tx,
      );
      const orderId = String(order.id);
      await this.p.records.update(actor, 'order', orderId, { quote_id: id }, { tx, allowReadOnly: true });
      await this.p.records.update(
        actor,
        'quote',
        id,
        {
          status: 'accepted',
          accepted_at: new Date().toISOString(),
          order_id: orderId,
          ...(contractId ? { contract_id: contractId } : {}),
        },
        { tx, allowReadOnly: true },
      );
      await emitEvents(tx, actor.userId, [
        {
          type: 'quote.accepted',
          object: 'quote',
          recordId: id,
          payload: {
            id,
            number: quote.number,
            order_id: orderId,
            contract_id: contractId,
            account_id: quote.account_id,
          },
        },
      ]);
    });
    return this.get(actor, id);
  }

  /** The quote as a PDF in its language (rendered now, not stored). */
  async pdf(actor: Actor, id: string): Promise<{ bytes: Buffer; fileName: string }> {
    await this.p.records.get(actor, 'quote', id);
    return this.render(this.tdb(actor), id);
  }

  /** Renders the PDF and keeps it with the quote version (listed under `documents`). */
  async attachPdf(actor: Actor, id: string): Promise<QuoteDocumentView> {
    await this.p.records.get(actor, 'quote', id);
    // storing a document changes the quote's record: readers may render, not attach
    if (!can(actor, 'quote', 'update')) throw forbidden();
    return this.tdb(actor).transaction((tx) => this.storePdf(tx, actor, id));
  }

  async document(actor: Actor, id: string, documentId: string): Promise<{ bytes: Buffer; fileName: string }> {
    await this.p.records.get(actor, 'quote', id);
    if (!isUuid(documentId)) throw notFound();
    const tdb = this.tdb(actor);
    const row = await tdb.one(sql<{
      bytes: Buffer | null;
      attachment_id: string | null;
      file_name: string;
    }>`select bytes, attachment_id, file_name
      from quote_document where tenant_id = ${actor.tenantId} and quote_id = ${id} and id = ${documentId}`);
    if (!row) throw notFound();
    // documents stored before the file store took the bytes over still carry them
    const bytes =
      row.bytes ?? (row.attachment_id ? await this.p.files.storedBytes(tdb, row.attachment_id) : null);
    if (!bytes) throw notFound();
    return { bytes, fileName: row.file_name };
  }

  async getSettings(actor: Actor): Promise<QuoteSettings> {
    if (!actor.isAdmin) throw forbidden();
    return loadQuoteSettings(this.tdb(actor));
  }

  async putSettings(actor: Actor, body: unknown): Promise<QuoteSettings> {
    if (!actor.isAdmin) throw forbidden();
    const tdb = this.tdb(actor);
    const current = await loadQuoteSettings(tdb);
    const next = parseBody(quoteSettingsSchema.partial(), body);
    const merged: QuoteSettings = { ...current };
    for (const [k, v] of Object.entries(next)) if (v !== undefined) Object.assign(merged, { [k]: v });
    await tdb.transaction(async (tx) => {
      await storeQuoteSettings(tx, merged);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'tenant',
          recordId: actor.tenantId,
          changes: {
            'cash.quotes': [
              { ...current, logo: current.logo ? '…' : null },
              { ...merged, logo: merged.logo ? '…' : null },
            ],
          },
        },
      ]);
    });
    return merged;
  }

  // --- internals ---

  /** A record the actor can read, or 404 naming the field that pointed at it. */
  private async readable(actor: Actor, object: string, id: string, field: string): Promise<Rec> {
    try {
      return await this.p.records.get(actor, object, id);
    } catch (e) {
      if (e instanceof AppError && (e.code === 'not_found' || e.code === 'forbidden'))
        throw new AppError('not_found', 'not_found', [{ field, issue: 'invalid_reference' }]);
      throw e;
    }
  }

  /** The quote as the actor may change it, row-locked; version checked when given. */
  private async lockForWrite(
    actor: Actor,
    tx: TenantDb,
    id: string,
    version: number | undefined,
  ): Promise<Rec> {
    await this.p.records.get(actor, 'quote', id);
    await tx.exec0(sql`select 1 from quote where tenant_id = ${tx.tenantId} and id = ${id} for update`);
    // read under the lock: a concurrent action may have moved it since the access check
    const quote = await this.recordIn(tx, id);
    if (version !== undefined && quote.version !== version)
      throw new AppError('conflict', 'version_conflict');
    return quote;
  }

  /** The quote's row as a record, read inside the transaction (what the lock protects). */
  private async recordIn(tx: TenantDb, id: string): Promise<Rec> {
    const r = await tx.one(sql<{
      number: string;
      name: string | null;
      opportunity_id: string;
      account_id: string;
      owner_id: string | null;
      quote_version: number;
      parent_quote_id: string | null;
      status: string;
      valid_until: string | null;
      currency: string;
      header_discount: string;
      margin_percent: string | null;
      max_line_discount: string;
      effective_discount: string | null;
      language: string;
      notes: string | null;
      list_total: number;
      subtotal: number;
      discount_total: number;
      net_total: number;
      tax_total: number;
      grand_total: number;
      cost_total: number;
      margin_amount: number;
      version: number;
    }>`select number, name, opportunity_id, account_id, owner_id, quote_version, parent_quote_id, status,
        to_char(valid_until, 'YYYY-MM-DD') as valid_until, currency, header_discount::text as header_discount,
        margin_percent::text as margin_percent, max_line_discount::text as max_line_discount,
        effective_discount::text as effective_discount, language, notes,
        list_total, subtotal, discount_total, net_total, tax_total, grand_total, cost_total, margin_amount, version
      from quote where tenant_id = ${tx.tenantId} and id = ${id} and deleted_at is null`);
    if (!r) throw notFound();
    const currency = r.currency.trim();
    const m = (n: number) => ({ amount: Number(n), currency });
    return {
      id,
      ...r,
      currency,
      header_discount: Number(r.header_discount),
      margin_percent: r.margin_percent === null ? null : Number(r.margin_percent),
      max_line_discount: Number(r.max_line_discount),
      effective_discount: r.effective_discount === null ? null : Number(r.effective_discount),
      list_total: m(r.list_total),
      subtotal: m(r.subtotal),
      discount_total: m(r.discount_total),
      net_total: m(r.net_total),
      tax_total: m(r.tax_total),
      grand_total: m(r.grand_total),
      cost_total: m(r.cost_total),
      margin_amount: m(r.margin_amount),
    };
  }

  /** Before approval and sending: lines exist, subscription lines have periods, still valid. */
  private async checkSendable(tx: TenantDb, quote: Rec, id: string, today: string): Promise<void> {
    const lines = await this.linesOf(tx, id);
    const issues: FieldIssue[] = [];
    if (!lines.length) issues.push({ field: 'lines', issue: 'lines_required' });
    issues.push(...periodIssues(lines));
    const v = validUntilIssue(dateOf(quote.valid_until), today);
    if (v) issues.push(v);
    if (issues.length) throw invalid(issues);
  }

  private totals(priced: PricingResult): Rec {
    const t = priced.totals;
    const m = (amount: number) => ({ amount, currency: priced.currency });
    return {
      header_discount: t.header_discount,
      list_total: m(t.list_total),
      subtotal: m(t.subtotal),
      discount_total: m(t.discount_total),
      net_total: m(t.net_total),
      tax_total: m(t.tax_total),
      grand_total: m(t.grand_total),
      cost_total: m(t.cost_total),
      margin_amount: m(t.margin_amount),
      margin_percent: t.margin_percent,
      max_line_discount: t.max_line_discount,
      effective_discount: t.effective_discount,
    };
  }

  private async insertPriced(
    tx: TenantDb,
    quoteId: string,
    priced: PricingResult,
    input: ReadonlyArray<{ options?: BundleOption[] | undefined }>,
  ): Promise<void> {
    const ids = priced.lines.map(() => newId());
    const extra = await this.productExtras(
      tx,
      priced.lines.map((l) => l.product_id),
    );
    const rows = priced.lines.map((l, k) => ({
      tenant_id: tx.tenantId,
      id: ids[k],
      quote_id: quoteId,
      position: l.position,
      line_index: l.line_index,
      parent_line_id: l.parent_position === null ? null : (ids[l.parent_position] ?? null),
      product_id: l.product_id,
      product_type: l.product_type,
      sku: l.sku,
      product_name: l.product_name,
      product_name_en: extra.get(l.product_id)?.name_en ?? null,
      unit: extra.get(l.product_id)?.unit ?? null,
      is_bundle: l.is_bundle,
      options: l.parent_position === null && l.is_bundle ? (input[l.line_index]?.options ?? []) : [],
      quantity: l.quantity,
      list_price: l.list_price,
      unit_price: l.unit_price,
      price_source: l.price_source,
      price_list_id: l.price_list_id,
      discount: l.discount,
      gross_amount: l.gross_amount,
      amount: l.amount,
      header_discount_amount: l.header_discount_amount,
      net_amount: l.net_amount,
      tax_rate: l.tax_rate,
      tax: l.tax_amount,
      cost: l.cost_amount,
      service_start: l.service_start,
      service_end: l.service_end,
    }));
    await this.insertRows(tx, rows);
  }

  private async insertRows(tx: TenantDb, rows: Rec[]): Promise<void> {
    if (!rows.length) return;
    await tx.exec0(
      sql`insert into quote_line select * from jsonb_populate_recordset(null::quote_line, ${JSON.stringify(rows)}::jsonb)`,
    );
  }

  private async productExtras(
    tx: TenantDb,
    ids: string[],
  ): Promise<Map<string, { name_en: string | null; unit: string | null }>> {
    const rows = await tx.query(sql<{
      id: string;
      name_en: string | null;
      unit: string | null;
    }>`select id, name_en, unit
      from product where tenant_id = ${tx.tenantId} and id = any(${[...new Set(ids)]}::uuid[])`);
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async cloneLines(tx: TenantDb, fromId: string, toId: string): Promise<void> {
    const lines = await this.linesOf(tx, fromId);
    const ids = new Map(lines.map((l) => [l.id, newId()]));
    await this.insertRows(
      tx,
      lines.map((l) => ({
        ...l,
        tenant_id: tx.tenantId,
        id: ids.get(l.id),
        quote_id: toId,
        parent_line_id: l.parent_line_id === null ? null : (ids.get(l.parent_line_id) ?? null),
      })),
    );
  }

  async linesOf(tdb: TenantDb, quoteId: string): Promise<QuoteLineView[]> {
    return (await this.linesOfMany(tdb, [quoteId])).get(quoteId) ?? [];
  }

  private async linesOfMany(tdb: TenantDb, quoteIds: string[]): Promise<Map<string, QuoteLineView[]>> {
    const out = new Map<string, QuoteLineView[]>();
    if (!quoteIds.length) return out;
    const rows = await tdb.query(sql<
      QuoteLineView & { quote_id: string }
    >`select quote_id, id, position, line_index,
        parent_line_id, product_id, product_type, sku, product_name, product_name_en, unit, is_bundle,
        options, quantity::float8 as quantity, list_price, unit_price, price_source, price_list_id,
        discount::float8 as discount, gross_amount, amount, header_discount_amount, net_amount,
        tax_rate::float8 as tax_rate, tax, cost,
        to_char(service_start, 'YYYY-MM-DD') as service_start, to_char(service_end, 'YYYY-MM-DD') as service_end
      from quote_line where tenant_id = ${tdb.tenantId} and quote_id = any(${quoteIds}::uuid[])
      order by quote_id, position`);
    for (const { quote_id, ...r } of rows) {
      const list = out.get(quote_id) ?? [];
      list.push({
        ...r,
        list_price: Number(r.list_price),
        unit_price: Number(r.unit_price),
        gross_amount: Number(r.gross_amount),
        amount: Number(r.amount),
        header_discount_amount: Number(r.header_discount_amount),
        net_amount: Number(r.net_amount),
        tax: Number(r.tax),
        cost: r.cost === null ? null : Number(r.cost),
      });
      out.set(quote_id, list);
    }
    return out;
  }

  private async documentsOf(tdb: TenantDb, quoteId: string): Promise<QuoteDocumentView[]> {
    return (await this.documentsOfMany(tdb, [quoteId])).get(quoteId) ?? [];
  }

  private async documentsOfMany(
    tdb: TenantDb,
    quoteIds: string[],
  ): Promise<Map<string, QuoteDocumentView[]>> {
    const out = new Map<string, QuoteDocumentView[]>();
    if (!quoteIds.length) return out;
    const rows = await tdb.query(sql<
      QuoteDocumentView & { quote_id: string }
    >`select quote_id, id, quote_version,
        file_name, content_type, size_bytes, sha256, attachment_id, created_by, created_at
      from quote_document where tenant_id = ${tdb.tenantId} and quote_id = any(${quoteIds}::uuid[])
      order by quote_id, created_at desc`);
    for (const { quote_id, ...r } of rows) {
      const list = out.get(quote_id) ?? [];
      list.push({ ...r, created_at: new Date(r.created_at).toISOString() });
      out.set(quote_id, list);
    }
    return out;
  }

  /**
   * Renders the PDF and keeps it with the version: the bytes go to the file store as an
   * attachment of the quote (so the record's attachments panel lists it, with its audit row and
   * `attachment.added` event), and quote_document names it as this version's document.
   */
  private async storePdf(tx: TenantDb, actor: Actor, id: string): Promise<QuoteDocumentView> {
    const { bytes, fileName } = await this.render(tx, id);
    const file = await this.p.files.store(actor, 'quote', id, fileName, 'application/pdf', bytes, tx);
    const doc: QuoteDocumentView = {
      id: newId(),
      quote_version: 0,
      file_name: fileName,
      content_type: 'application/pdf',
      size_bytes: bytes.length,
      sha256: file.sha256,
      attachment_id: file.id,
      created_by: actor.userId,
      created_at: new Date().toISOString(),
    };
    const row = await tx.one(sql<{ quote_version: number; created_at: Date }>`insert into quote_document
        (tenant_id, id, quote_id, quote_version, file_name, content_type, size_bytes, sha256, attachment_id, created_by)
      select ${tx.tenantId}, ${doc.id}, q.id, q.quote_version, ${fileName}, ${doc.content_type}, ${doc.size_bytes},
        ${doc.sha256}, ${file.id}, ${actor.userId}
      from quote q where q.tenant_id = ${tx.tenantId} and q.id = ${id}
      returning quote_version, created_at`);
    if (!row) throw notFound();
    await writeAudit(tx, actor, [
      { action: 'update', object: 'quote', recordId: id, changes: { documents: [null, fileName] } },
    ]);
    return { ...doc, quote_version: row.quote_version, created_at: new Date(row.created_at).toISOString() };
  }

  private async render(tdb: TenantDb, id: string): Promise<{ bytes: Buffer; fileName: string }> {
    const q = await tdb.one(sql<{
      number: string;
      quote_version: number;
      language: string;
      currency: string;
      header_discount: string;
      valid_until: string | null;
      created: string;
      notes: string | null;
      list_total: number;
      subtotal: number;
      discount_total: number;
      net_total: number;
      tax_total: number;
      grand_total: number;
      account_name: string;
      opportunity_name: string;
      owner_name: string | null;
      tenant_name: string;
      tz: string;
    }>`select q.number, q.quote_version, q.language, q.currency, q.header_discount::text as header_discount,
        to_char(q.valid_until, 'YYYY-MM-DD') as valid_until, to_char(q.created_at at time zone t.time_zone, 'YYYY-MM-DD') as created,
        q.notes, q.list_total, q.subtotal, q.discount_total, q.net_total, q.tax_total, q.grand_total,
        a.name as account_name, o.name as opportunity_name, u.name as owner_name, t.name as tenant_name, t.time_zone as tz
      from quote q
        join tenant t on t.id = q.tenant_id
        join account a on a.tenant_id = q.tenant_id and a.id = q.account_id
        join opportunity o on o.tenant_id = q.tenant_id and o.id = q.opportunity_id
        left join app_user u on u.tenant_id = q.tenant_id and u.id = q.owner_id
      where q.tenant_id = ${tdb.tenantId} and q.id = ${id}`);
    if (!q) throw notFound();
    const settings = await loadQuoteSettings(tdb);
    const lines = await this.linesOf(tdb, id);
    const language: QuoteLanguage = q.language === 'en-US' ? 'en-US' : 'zh-CN';
    const currency = q.currency.trim();
    const logo = settings.logo
      ? Buffer.from(settings.logo.slice(settings.logo.indexOf(',') + 1), 'base64')
      : null;
    const bytes = await renderQuotePdf({
      language,
      seller: settings.sellerName ?? q.tenant_name,
      logo,
      number: q.number,
      version: q.quote_version,
      date: q.created,
      validUntil: q.valid_until,
      customer: q.account_name,
      opportunity: q.opportunity_name,
      preparedBy: q.owner_name,
      currency,
      headerDiscount: Number(q.header_discount),
      totals: {
        list_total: Number(q.list_total),
        subtotal: Number(q.subtotal),
        discount_total: Number(q.discount_total),
        header_discount_amount: Number(q.subtotal) - Number(q.net_total),
        net_total: Number(q.net_total),
        tax_total: Number(q.tax_total),
        grand_total: Number(q.grand_total),
      },
      lines: lines.map((l) => ({
        position: l.position,
        is_child: l.parent_line_id !== null,
        product_name: language === 'en-US' && l.product_name_en ? l.product_name_en : l.product_name,
        sku: l.sku,
        quantity: l.quantity,
        unit_price: l.unit_price,
        discount: l.discount,
        amount: l.amount,
        tax_rate: l.tax_rate,
        service_start: l.service_start,
        service_end: l.service_end,
      })),
      notes: q.notes,
      terms: settings.terms,
    });
    return { bytes, fileName: pdfFileName(q.number, q.quote_version) };
  }
}

function statusOf(quote: Rec): QuoteStatus {
  return isQuoteStatus(quote.status) ? quote.status : 'draft';
}

const dateOf = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function auditLine(l: {
  product_id: string;
  quantity: number;
  unit_price: number;
  discount: number;
  net_amount: number;
}): Rec {
  return {
    product_id: l.product_id,
    quantity: l.quantity,
    unit_price: l.unit_price,
    discount: l.discount,
    net_amount: l.net_amount,
  };
}

/**
 * The approvals engine's callbacks for quotes (registered in cash/index.ts): a submission puts
 * the quote in approval; approved → approved, rejected → rejected, returned or withdrawn → back
 * to draft. The engine's system actor writes: the approver may have no edit right on the quote.
 */
export const quoteApprovals: ApprovalHandler = {
  async onSubmitted(ctx, s) {
    // the generic POST /approvals/submit reaches here too: the same checks as POST /quotes/{id}/submit
    const q = await ctx.tx.one(sql<{ valid_until: string | null; n: number; missing: number }>`
      select to_char(q.valid_until, 'YYYY-MM-DD') as valid_until, count(l.id)::int as n,
        (count(l.id) filter (where l.product_type = 'subscription' and l.service_start is null))::int as missing
      from quote q left join quote_line l on l.tenant_id = q.tenant_id and l.quote_id = q.id
      where q.tenant_id = ${ctx.tx.tenantId} and q.id = ${s.recordId}
      group by q.tenant_id, q.id`);
    const issues: FieldIssue[] = [];
    if (!q?.n) issues.push({ field: 'lines', issue: 'lines_required' });
    if (q?.missing) issues.push({ field: 'lines', issue: 'service_period_required' });
    const v = validUntilIssue(q?.valid_until, todayIn(ctx.actor.timeZone));
    if (v) issues.push(v);
    if (issues.length) throw invalid(issues);
    await ctx.records.update(
      ctx.system,
      'quote',
      s.recordId,
      { status: 'in_approval' },
      { tx: ctx.tx, allowReadOnly: true },
    );
  },
  async onOutcome(ctx, o) {
    const row = await ctx.tx.one(
      sql<{
        status: string;
      }>`select status from quote where tenant_id = ${ctx.tx.tenantId} and id = ${o.recordId}`,
    );
    if (row?.status !== 'in_approval') return;
    const to: QuoteStatus =
      o.outcome === 'approved' ? 'approved' : o.outcome === 'rejected' ? 'rejected' : 'draft';
    await ctx.records.update(
      ctx.system,
      'quote',
      o.recordId,
      { status: to, ...(to === 'approved' ? { approved_at: new Date().toISOString() } : {}) },
      { tx: ctx.tx, allowReadOnly: true },
    );
  },
};
