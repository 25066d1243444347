import fs from 'node:fs';
import { Transform } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

export type ImportFormat = 'csv' | 'xlsx';

/**
 * Chinese spreadsheets saved as CSV are often GBK. Decide once from the first 64 KB: valid
 * UTF-8 stays UTF-8, anything else is read as GB18030 (a superset of GBK).
 */
function detectEncoding(file: string): 'utf-8' | 'gb18030' {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(65536);
  const n = fs.readSync(fd, buf, 0, buf.length, 0);
  fs.closeSync(fd);
  // Trim a possibly cut multi-byte sequence at the end of the sample.
  let end = n;
  while (end > 0 && end > n - 4 && ((buf[end - 1] ?? 0) & 0xc0) === 0x80) end--;
  if (end > 0 && ((buf[end - 1] ?? 0) & 0xc0) === 0xc0) end--;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, n === buf.length ? end : n));
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

function decoder(encoding: 'utf-8' | 'gb18030'): Transform {
  const td = new TextDecoder(encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, td.decode(chunk, { stream: true }));
    },
    flush(cb) {
      cb(null, td.decode());
    },
  });
}

/** Streams rows (as arrays of strings) from a CSV or XLSX file; the first row is the header. */
export async function* readRows(file: string, format: ImportFormat): AsyncGenerator<string[]> {
  if (format === 'csv') {
    const parser = fs
      .createReadStream(file)
      .pipe(decoder(detectEncoding(file)))
      .pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, trim: true }));
    for await (const rec of parser) yield (rec as unknown[]).map((v) => String(v ?? ''));
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
  });
  for await (const sheet of reader) {
    for await (const row of sheet) {
      const values = (row as ExcelJS.Row).values as unknown[];
      const cells: string[] = [];
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      if (cells.some((c) => c !== '')) yield cells;
    }
    return; // first sheet only
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { text?: unknown; result?: unknown; richText?: Array<{ text: string }> };
    if (o.richText)
      return o.richText
        .map((t) => t.text)
        .join('')
        .trim();
    if (o.text !== undefined) return String(o.text).trim();
    if (o.result !== undefined) return cellText(o.result);
    return '';
  }
  return String(v).trim();
}
