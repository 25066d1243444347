import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { forbidden } from '../http/errors.ts';
import { can, type Actor } from '../access/permissions.ts';
import { writeAudit } from '../audit/audit.ts';
import type { ListQuery } from '../records/query.rules.ts';
import type { RecordsService } from '../records/records.service.ts';
import { headerFor, toCell } from './cells.rules.ts';

const PAGE = 1000;

/**
 * Streams a list (its filters and sort) as CSV or XLSX. Pages come from the records engine,
 * so record scope and field permissions are exactly those of the list screen.
 */
export class ExportService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
  ) {}

  async export(
    actor: Actor,
    object: string,
    q: ListQuery,
    format: 'csv' | 'xlsx',
  ): Promise<{ stream: Readable; fileName: string }> {
    const obj = await this.records.object(actor, object);
    if (!can(actor, object, 'export') || !can(actor, object, 'read')) throw forbidden();
    // id, then the object's own fields, then ownership and timestamps (the version counter is internal).
    const visible = this.records
      .visibleFields(actor, obj)
      .filter(
        (f) => f.apiName !== 'version' && (!q.fields || f.apiName === 'id' || q.fields.includes(f.apiName)),
      );
    const trailing = ['owner_id', 'created_at', 'created_by', 'updated_at', 'updated_by'];
    const fields = [
      ...visible.filter((f) => f.apiName === 'id'),
      ...visible.filter((f) => f.apiName !== 'id' && !trailing.includes(f.apiName)),
      ...trailing.flatMap((n) => visible.filter((f) => f.apiName === n)),
    ];
    // Validate the query (fields, filters, sort) before the response starts streaming.
    const first = await this.records.list(actor, object, { ...q, limit: PAGE, count: false, expand: [] });
    await TenantDb.for(this.db, actor.tenantId).transaction((tx) =>
      writeAudit(tx, actor, [
        {
          action: 'export',
          object,
          recordId: null,
          changes: {},
          meta: { format, filter: q.filter, sort: q.sort },
        },
      ]),
    );
    const headers = fields.map((f) => headerFor(f, actor.locale));
    const records = this.records;
    async function* rows(): AsyncGenerator<Array<string | number | boolean | null>> {
      let page = first;
      for (;;) {
        for (const rec of page.data) yield fields.map((f) => toCell(f, rec[f.apiName], format));
        if (!page.next_cursor) return;
        page = await records.list(actor, object, {
          ...q,
          limit: PAGE,
          count: false,
          expand: [],
          cursor: page.next_cursor,
        });
      }
    }
    const stamp = new Date().toISOString().slice(0, 10);
    const fileName = `${object}-${stamp}.${format}`;
    if (format === 'csv') {
      const out = stringify({ bom: true });
      void (async () => {
        try {
          out.write(headers);
          for await (const r of rows()) if (!out.write(r)) await new Promise((res) => out.once('drain', res));
          out.end();
        } catch (err) {
          out.destroy(err as Error);
        }
      })();
      return { stream: out, fileName };
    }
    const pass = new PassThrough();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: pass,
      useSharedStrings: false,
      useStyles: false,
    });
    const ws = wb.addWorksheet(obj.pluralLabel[actor.locale].slice(0, 31));
    void (async () => {
      try {
        ws.addRow(headers).commit();
        for await (const r of rows()) ws.addRow(r).commit();
        ws.commit();
        await wb.commit();
      } catch (err) {
        pass.destroy(err as Error);
      }
    })();
    return { stream: pass, fileName };
  }
}
