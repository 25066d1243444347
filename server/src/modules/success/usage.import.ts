// Usage telemetry from a spreadsheet (CSV or XLSX, first sheet): the same rows and the same
// all-or-nothing ingestion as POST /api/v1/usage. Issues name the row as the spreadsheet numbers
// it — `rows[5].activated_seats` is row 5 of the sheet (the header is row 1, so row 2 is the first
// data row; rows with nothing in them are skipped — in an XLSX file the reader drops them before
// counting, so rows after a blank one are numbered one less) — and header problems name
// `columns.<header>`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { newId } from '../../platform/db/ids.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { readRows, type ImportFormat } from '../../platform/io/readers.ts';
import { mapUsageColumns, MAX_USAGE_ROWS, rawFromCells } from './usage.rules.ts';
import { ingestUsageRows, MAX_ISSUES, type IngestResult, type UsageInput } from './usage.service.ts';

/** Reads the upload to a temporary file (the XLSX reader needs one), then its rows as text cells. */
async function readCells(
  fileName: string,
  stream: Readable,
  isTruncated: () => boolean,
): Promise<string[][]> {
  const ext = path.extname(fileName).toLowerCase();
  const format: ImportFormat | undefined = ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
  if (!format) {
    stream.resume();
    throw invalid([{ field: 'file', issue: 'invalid_value' }]);
  }
  const file = path.join(os.tmpdir(), `flywheel-usage-${newId()}${ext}`);
  const cells: string[][] = [];
  try {
    await pipeline(stream, fs.createWriteStream(file));
    if (isTruncated()) throw new AppError('payload_too_large', 'payload_too_large');
    try {
      for await (const r of readRows(file, format)) {
        cells.push(r);
        if (cells.length > MAX_USAGE_ROWS + 1)
          throw invalid([{ field: 'file', issue: 'too_many', params: { max: MAX_USAGE_ROWS } }]);
      }
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw invalid([{ field: 'file', issue: 'invalid_value' }]);
    }
  } finally {
    fs.rmSync(file, { force: true });
  }
  return cells;
}

/** `POST /api/v1/usage/import`: one CSV/XLSX file of usage rows, all rows or none. */
export async function importUsageFile(
  tdb: TenantDb,
  actor: Actor,
  fileName: string,
  stream: Readable,
  isTruncated: () => boolean,
  asOf: string,
): Promise<IngestResult> {
  // refused before the upload is read (the same rule ingestUsageRows applies)
  if (!can(actor, 'account', 'update')) {
    stream.resume();
    throw forbidden();
  }
  const [header, ...data] = await readCells(fileName, stream, isTruncated);
  if (!header || !data.length) throw invalid([{ field: 'file', issue: 'required' }]);
  const mapped = mapUsageColumns(header);
  if (mapped.issues.length) throw invalid(mapped.issues.slice(0, MAX_ISSUES));
  const pre: Array<{ index: number; issue: FieldIssue }> = [];
  const inputs: UsageInput[] = [];
  data.forEach((cells, i) => {
    // a CSV line of empty cells (",,,,") is a blank row: skipped, but still counted
    if (cells.every((c) => c.trim() === '')) return;
    const at = `rows[${i + 2}]`;
    const { raw, issues } = rawFromCells(mapped.columns, cells, at);
    for (const issue of issues) pre.push({ index: inputs.length, issue });
    inputs.push({ at, raw });
  });
  if (!inputs.length) throw invalid([{ field: 'file', issue: 'required' }]);
  return ingestUsageRows(tdb, actor, inputs, asOf, 'file', pre);
}
