// Bank statement import: a CSV/XLSX of payments received, every row recorded and matched
// automatically in ONE transaction — all rows or none. A file with any bad row writes nothing and
// answers 422 naming each problem as `rows[<n>].<column>`, n being the row number in the file
// (the header is row 1; empty rows are skipped and not counted).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { newId } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { readRows, type ImportFormat } from '../../platform/io/readers.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import { normaliseReference, quotedNumbers } from './matching.rules.ts';
import { isDate, MAX_AMOUNT } from './receivables.rules.ts';
import { listAll } from './receivables.service.ts';
import type { PaymentsService, RecordInput } from './payments.service.ts';

export const MAX_STATEMENT_ROWS = 2000;

/** Header names (lower case) each column is recognised by, English and Chinese bank exports. */
const COLUMNS = {
  date: ['date', 'received_date', '日期', '交易日期', '到账日期', '回款日期', '记账日期'],
  amount: ['amount', '金额', '收入金额', '贷方金额', '回款金额', '交易金额'],
  payer: ['payer', '付款方', '付款人', '对方户名', '对方账户名称', '户名'],
  reference: ['reference', 'bank_reference', '摘要', '附言', '用途', '备注', '交易附言'],
  account: ['account', 'account_id', '客户', '客户名称'],
  currency: ['currency', '币种'],
} as const;
type Column = keyof typeof COLUMNS;

/** A date cell as YYYY-MM-DD: 2026-03-05, 2026/3/5, 2026.03.05 or 20260305. */
export function parseStatementDate(cell: string): string | null {
  const t = cell.trim();
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const d = `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}`;
  return isDate(d) ? d : null;
}

/** An amount cell in major units ("¥12,345.60") as minor units, exactly (no float arithmetic). */
export function parseStatementAmount(cell: string): number | null {
  const t = cell.replace(/[\s,¥￥$]|RMB|CNY|元/gi, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  const v = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(v) && v > 0 && v <= MAX_AMOUNT ? v : null;
}

export interface StatementRow {
  row: number;
  payment_id: string | null;
  number: string | null;
  account_id: string;
  amount: number;
  currency: string;
  match_method: string;
  allocated: number;
  credit: number;
}

class DryRun extends Error {
  constructor(readonly rows: StatementRow[]) {
    super('dry run');
  }
}

interface Parsed {
  row: number;
  date: string;
  amount: number;
  currency: string;
  payer: string | null;
  reference: string | null;
  account: string | null;
}

/**
 * Reads the statement, checks every row, finds each row's account — the `account` column (name or
 * id), else the document numbers its reference quotes (plan, order, contract), else an account
 * whose name is exactly the payer — and records every payment with automatic matching in one
 * transaction: matched row after row in file order, written in batches (recordManyIn). With
 * `dryRun` the same work is done and rolled back, and the answer shows how each row would match.
 */
export async function importStatement(
  payments: PaymentsService,
  actor: Actor,
  fileName: string,
  stream: Readable,
  isTruncated: () => boolean,
  dryRun: boolean,
): Promise<{ dry_run: boolean; rows: StatementRow[] }> {
  if (!can(actor, 'payment', 'create') || !can(actor, 'payment', 'import')) {
    stream.resume();
    throw forbidden();
  }
  const ext = path.extname(fileName).toLowerCase();
  const format: ImportFormat | undefined = ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
  if (!format) {
    stream.resume();
    throw invalid([{ field: 'file', issue: 'invalid_value' }]);
  }
  const file = path.join(os.tmpdir(), `flywheel-statement-${newId()}${ext}`);
  let cells: string[][] = [];
  try {
    await pipeline(stream, fs.createWriteStream(file));
    if (isTruncated()) throw new AppError('payload_too_large', 'payload_too_large');
    try {
      for await (const r of readRows(file, format)) {
        cells.push(r);
        if (cells.length > MAX_STATEMENT_ROWS + 1)
          throw invalid([{ field: 'file', issue: 'too_many', params: { max: MAX_STATEMENT_ROWS } }]);
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw invalid([{ field: 'file', issue: 'invalid_value' }]);
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
  const [header, ...data] = cells;
  cells = [];
  if (!header || !data.length) throw invalid([{ field: 'file', issue: 'required' }]);
  const col = new Map<Column, number>();
  header.forEach((h, i) => {
    const name = h.trim().toLowerCase();
    for (const [k, names] of Object.entries(COLUMNS) as Array<[Column, readonly string[]]>)
      if (!col.has(k) && names.includes(name)) col.set(k, i);
  });
  const missing = (['date', 'amount'] as const).filter((k) => !col.has(k));
  if (missing.length)
    throw invalid(missing.map((k) => ({ field: `columns.${k}`, issue: 'required' as const })));
  const cell = (r: string[], k: Column): string => {
    const i = col.get(k);
    return i === undefined ? '' : (r[i] ?? '').trim();
  };
  const issues: FieldIssue[] = [];
  const parsed: Parsed[] = data.map((r, i) => {
    const row = i + 2;
    const date = parseStatementDate(cell(r, 'date'));
    const amount = parseStatementAmount(cell(r, 'amount'));
    const currency = cell(r, 'currency').toUpperCase() || actor.currency;
    if (!date) issues.push({ field: `rows[${row}].date`, issue: 'invalid_date' });
    if (amount === null) issues.push({ field: `rows[${row}].amount`, issue: 'invalid_value' });
    if (!/^[A-Z]{3}$/.test(currency))
      issues.push({ field: `rows[${row}].currency`, issue: 'invalid_currency' });
    if (cell(r, 'payer').length > 200)
      issues.push({ field: `rows[${row}].payer`, issue: 'too_long', params: { max: 200 } });
    if (cell(r, 'reference').length > 500)
      issues.push({ field: `rows[${row}].reference`, issue: 'too_long', params: { max: 500 } });
    return {
      row,
      date: date ?? '',
      amount: amount ?? 0,
      currency,
      payer: cell(r, 'payer') || null,
      reference: cell(r, 'reference') || null,
      account: cell(r, 'account') || null,
    };
  });
  const accounts = await resolveAccounts(payments, actor, parsed, issues);
  if (issues.length) throw invalid(issues.slice(0, 200));
  const tdb = payments.tdb(actor);
  try {
    const rows = await tdb.transaction(async (tx) => {
      const batch = parsed.flatMap((r) => {
        const account = accounts.get(r.row);
        if (!account) return [];
        const input: RecordInput = {
          account_id: String(account.id),
          received_date: r.date,
          amount: r.amount,
          currency: r.currency,
          method: 'bank_transfer',
          payer: r.payer,
          bank_reference: r.reference,
        };
        return [{ row: r, input, account, prefix: `rows[${r.row}].` }];
      });
      // recorded together, matched in file order: the same result as row after row
      const recorded = await payments.recordManyIn(tx, actor, batch);
      const out: StatementRow[] = batch.map(({ row: r, account }, k) => {
        const rec = recorded[k];
        if (!rec) throw new Error(`row ${r.row} not recorded`);
        return {
          row: r.row,
          payment_id: dryRun ? null : rec.id,
          number: dryRun ? null : rec.number,
          account_id: String(account.id),
          amount: r.amount,
          currency: r.currency,
          match_method: rec.match.method,
          allocated: rec.match.allocations.reduce((a, x) => a + x.amount, 0),
          credit: rec.match.credit,
        };
      });
      if (dryRun) throw new DryRun(out);
      return out;
    });
    return { dry_run: false, rows };
  } catch (e) {
    if (e instanceof DryRun) return { dry_run: true, rows: e.rows };
    throw e;
  }
}

/** The account of every row the actor may read, or an issue naming what could not be resolved. */
async function resolveAccounts(
  payments: PaymentsService,
  actor: Actor,
  rows: Parsed[],
  issues: FieldIssue[],
): Promise<Map<number, Rec>> {
  const tdb = payments.tdb(actor);
  const refs = rows.map((r) => normaliseReference(r.reference ?? ''));
  // the document numbers each distinct reference quotes as a whole token: every live number is
  // read once and the references are scanned in memory (a search per reference and number grew
  // with rows × documents); a number also has to appear in the reference as PostgreSQL
  // upper-cases it, as when this was a position() search
  const distinct = [...new Set(refs.filter((r) => r))];
  const docs = distinct.length
    ? await tdb.query(sql<{ upper_number: string; number: string; account_id: string }>`
        select upper(number) as upper_number, number, account_id from payment_plan where tenant_id = ${tdb.tenantId} and deleted_at is null
        union all select upper(number), number, account_id from sales_order where tenant_id = ${tdb.tenantId} and deleted_at is null
        union all select upper(number), number, account_id from contract where tenant_id = ${tdb.tenantId} and deleted_at is null`)
    : [];
  const docsByNumber = new Map<string, typeof docs>();
  for (const d of docs) docsByNumber.set(d.number, [...(docsByNumber.get(d.number) ?? []), d]);
  const quoted = quotedNumbers(
    distinct,
    docs.map((d) => d.number),
  );
  const accountsOf = new Map<string, string[]>();
  distinct.forEach((ref, k) => {
    const hits = (quoted[k] ?? []).flatMap((n) => docsByNumber.get(n) ?? []);
    accountsOf.set(ref, [
      ...new Set(hits.filter((d) => ref.includes(d.upper_number)).map((d) => d.account_id)),
    ]);
  });
  const names = [
    ...new Set(
      rows
        .flatMap((r) => [r.account, r.payer])
        .filter((x): x is string => x !== null)
        .map((x) => x.toLowerCase()),
    ),
  ];
  const byName = names.length
    ? await tdb.query(sql<{ id: string; name: string }>`select id, name from account
        where tenant_id = ${tdb.tenantId} and deleted_at is null and lower(name) = any(${names}::text[])`)
    : [];
  const idsByName = new Map<string, string[]>();
  for (const a of byName) {
    const key = a.name.toLowerCase();
    idsByName.set(key, [...(idsByName.get(key) ?? []), a.id]);
  }
  const named = (v: string): string[] => idsByName.get(v.toLowerCase()) ?? [];
  const candidate = new Map<number, string>();
  rows.forEach((r, i) => {
    const field = (k: string): string => `rows[${r.row}].${k}`;
    let ids: string[];
    let from: string;
    if (r.account) {
      ids = /^[0-9a-f-]{36}$/i.test(r.account) ? [r.account.toLowerCase()] : named(r.account);
      from = 'account';
    } else {
      ids = accountsOf.get(refs[i] ?? '') ?? [];
      from = 'reference';
      if (!ids.length && r.payer) {
        ids = named(r.payer);
        from = 'payer';
      }
    }
    if (ids.length === 1 && ids[0]) candidate.set(r.row, ids[0]);
    else
      issues.push({ field: field(from), issue: ids.length > 1 ? 'ambiguous_account' : 'invalid_reference' });
  });
  const ids = [...new Set(candidate.values())];
  // the filter grammar takes at most 1,000 values per `in`: a statement may name more customers
  const readable = new Map<string, Rec>();
  for (let i = 0; i < ids.length; i += 1000)
    for (const a of await listAll(payments.p, actor, 'account', [
      { field: 'id', op: 'in', value: ids.slice(i, i + 1000) },
    ]))
      readable.set(String(a.id), a);
  const out = new Map<number, Rec>();
  for (const [row, id] of candidate) {
    const a = readable.get(id);
    if (a) out.set(row, a);
    else issues.push({ field: `rows[${row}].account`, issue: 'invalid_reference' });
  }
  return out;
}
