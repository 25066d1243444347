import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { AppError, forbidden, invalid, notFound, type FieldIssue } from '../http/errors.ts';
import { can, fieldAccess, type Actor } from '../access/permissions.ts';
import { format as fmt } from '../i18n/i18n.ts';
import { messages } from '../i18n/messages.ts';
import { writeAudit } from '../audit/audit.ts';
import { fieldOf } from '../metadata/registry.ts';
import type { FieldDef, ObjectDef, Rec } from '../metadata/types.ts';
import { coerceValue } from '../metadata/values.rules.ts';
import type { RecordsService } from '../records/records.service.ts';
import { autoMap, neutraliseFormula, rowToInput } from './cells.rules.ts';
import { readRows, type ImportFormat } from './readers.ts';

export type ImportPolicy = 'skip' | 'update' | 'create';

export interface ImportJobView {
  id: string;
  object: string;
  file_name: string;
  format: string;
  headers: string[];
  mapping: Record<string, string>;
  policy: ImportPolicy;
  match_field: string | null;
  status: string;
  total_rows: number | null;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  skipped_rows: number;
  failed_rows: number;
  errors: RowError[];
  has_failed_file: boolean;
  created_at: Date;
  finished_at: Date | null;
}

export interface RowError {
  row: number;
  field: string;
  column: string | null;
  issue: string;
}

const CHUNK = 1000;
const MAX_REPORTED_ERRORS = 1000;

/**
 * Import: upload → mapping (auto-suggested) → dry run (same pipeline, rolled back) → run in
 * chunks. Rows stream from disk, so 100,000 rows never sit in memory. Each chunk commits
 * together with the job's progress counters, so a restart resumes after the last whole chunk.
 */
export class ImportService {
  private readonly running = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly filesDir: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Fields a column may map to (plus `id`, which only serves to match existing records). */
  private writable(actor: Actor, obj: ObjectDef): FieldDef[] {
    return obj.fields.filter(
      (f) =>
        f.apiName === 'id' ||
        (!f.system && !f.readOnly && fieldAccess(actor, obj.apiName, f.apiName) === 'edit'),
    );
  }

  private async check(actor: Actor, object: string): Promise<ObjectDef> {
    const obj = await this.records.object(actor, object);
    if (!can(actor, object, 'import') || !can(actor, object, 'create')) throw forbidden();
    return obj;
  }

  async upload(
    actor: Actor,
    object: string,
    fileName: string,
    stream: Readable,
    isTruncated: () => boolean = () => false,
  ): Promise<ImportJobView> {
    const obj = await this.check(actor, object);
    const ext = path.extname(fileName).toLowerCase();
    const format: ImportFormat | undefined = ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
    if (!format) {
      stream.resume();
      throw invalid([{ field: 'file', issue: 'invalid_value' }]);
    }
    const id = newId();
    const dir = path.join(this.filesDir, 'imports', actor.tenantId);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${id}${ext}`);
    await pipeline(stream, fs.createWriteStream(file));
    if (isTruncated()) {
      fs.rmSync(file, { force: true });
      throw new AppError('payload_too_large', 'payload_too_large');
    }
    let headers: string[] = [];
    try {
      for await (const row of readRows(file, format)) {
        headers = row.map((h, i) => h || `column_${i + 1}`);
        break;
      }
    } catch {
      fs.rmSync(file, { force: true });
      throw invalid([{ field: 'file', issue: 'invalid_value' }]);
    }
    if (!headers.length) {
      fs.rmSync(file, { force: true });
      throw invalid([{ field: 'file', issue: 'required' }]);
    }
    const mapping = autoMap(obj, this.writable(actor, obj), headers);
    await TenantDb.for(this.db, actor.tenantId)
      .exec0(sql`insert into import_job (tenant_id, id, object, file_name, file_path, format, headers, mapping, created_by)
      values (${actor.tenantId}, ${id}, ${object}, ${fileName.slice(0, 200)}, ${file}, ${format}, ${JSON.stringify(headers)}::jsonb, ${JSON.stringify(mapping)}::jsonb, ${actor.userId})`);
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<ImportJobView> {
    if (!isUuid(id)) throw notFound();
    const row = await TenantDb.for(this.db, actor.tenantId).one(sql<
      ImportJobView & { created_by: string | null; failed_file_path: string | null }
    >`
      select id, object, file_name, format, headers, mapping, policy, match_field, status, total_rows, processed_rows, created_rows, updated_rows,
             skipped_rows, failed_rows, errors, failed_file_path, created_by, created_at, finished_at
      from import_job where tenant_id = ${actor.tenantId} and id = ${id}`);
    if (!row || (!actor.isAdmin && row.created_by !== actor.userId)) throw notFound();
    const { failed_file_path, created_by: _c, ...view } = row;
    return { ...view, has_failed_file: Boolean(failed_file_path) };
  }

  async configure(
    actor: Actor,
    id: string,
    input: {
      mapping?: Record<string, string> | undefined;
      policy?: ImportPolicy | undefined;
      match_field?: string | null | undefined;
    },
  ): Promise<ImportJobView> {
    const job = await this.get(actor, id);
    if (!['uploaded', 'validated'].includes(job.status)) throw new AppError('conflict', 'import_not_ready');
    const obj = await this.check(actor, job.object);
    const writable = this.writable(actor, obj);
    const issues: FieldIssue[] = [];
    const mapping = input.mapping ?? job.mapping;
    const targets = new Set<string>();
    for (const [h, f] of Object.entries(mapping)) {
      if (!job.headers.includes(h)) issues.push({ field: `mapping.${h}`, issue: 'unknown_field' });
      else if (!writable.some((w) => w.apiName === f))
        issues.push({ field: `mapping.${h}`, issue: 'unknown_field' });
      else if (targets.has(f)) issues.push({ field: `mapping.${h}`, issue: 'not_unique' });
      targets.add(f);
    }
    const policy = input.policy ?? job.policy;
    const match = input.match_field === undefined ? job.match_field : input.match_field;
    if (policy !== 'create') {
      const mf = match ? fieldOf(obj, match) : undefined;
      if (!match) issues.push({ field: 'match_field', issue: 'required' });
      else if (
        !mf ||
        !(
          mf.unique ||
          mf.apiName === 'id' ||
          mf.type === 'email' ||
          mf.type === 'phone' ||
          mf.apiName === obj.nameField
        ) ||
        fieldAccess(actor, obj.apiName, match) === 'hidden'
      )
        issues.push({ field: 'match_field', issue: 'invalid_value' });
      else if (!targets.has(match)) issues.push({ field: 'match_field', issue: 'required' });
      if (policy === 'update' && !can(actor, obj.apiName, 'update'))
        issues.push({ field: 'policy', issue: 'invalid_value' });
    }
    if (issues.length) throw invalid(issues);
    await TenantDb.for(this.db, actor.tenantId)
      .exec0(sql`update import_job set mapping = ${JSON.stringify(mapping)}::jsonb, policy = ${policy}, match_field = ${match ?? null}, status = 'uploaded'
      where tenant_id = ${actor.tenantId} and id = ${id}`);
    return this.get(actor, id);
  }

  /** Validates every row with the real pipeline inside a transaction that is rolled back. */
  async dryRun(actor: Actor, id: string): Promise<ImportJobView> {
    const job = await this.get(actor, id);
    if (!['uploaded', 'validated'].includes(job.status)) throw new AppError('conflict', 'import_not_ready');
    assertConfigured(job);
    await this.process(actor, job, true);
    return this.get(actor, id);
  }

  /** Starts the import in the background; poll GET for progress. */
  async start(actor: Actor, id: string): Promise<ImportJobView> {
    const job = await this.get(actor, id);
    if (!['uploaded', 'validated'].includes(job.status)) throw new AppError('conflict', 'import_not_ready');
    assertConfigured(job);
    const token = newId();
    await TenantDb.for(this.db, actor.tenantId)
      .exec0(sql`update import_job set status = 'running', heartbeat_at = now(), run_token = ${token}, processed_rows = 0, created_rows = 0, updated_rows = 0, skipped_rows = 0, failed_rows = 0, errors = '[]'
      where tenant_id = ${actor.tenantId} and id = ${id}`);
    const fresh = await this.get(actor, id);
    this.running.add(id);
    void this.runInBackground(actor, fresh, false, token);
    return fresh;
  }

  /**
   * Picks up imports whose process died (no committed chunk for two minutes) and continues them
   * after their last committed chunk. Safe with several nodes: the claim is one conditional UPDATE.
   */
  async resumeStale(
    loadActorFor: (tenantId: string, userId: string) => Promise<Actor | undefined>,
  ): Promise<number> {
    // Claiming hands the import a new run token: a slow-but-alive previous owner then fails
    // its next chunk commit instead of importing the same rows twice.
    const stale = await sql<{ tenant_id: string; id: string; created_by: string | null; run_token: string }>`
      update import_job set heartbeat_at = now(), run_token = ${newId()}::uuid
      where status = 'running' and (heartbeat_at is null or heartbeat_at < now() - interval '2 minutes')
      returning tenant_id, id, created_by, run_token`.execute(this.db.kysely);
    for (const j of stale.rows) {
      const actor = j.created_by ? await loadActorFor(j.tenant_id, j.created_by) : undefined;
      if (!actor) {
        // Nobody to act as (the uploader is gone): end it rather than claim it forever.
        await TenantDb.for(this.db, j.tenant_id).exec0(
          sql`update import_job set status = 'failed', finished_at = now() where tenant_id = ${j.tenant_id} and id = ${j.id}`,
        );
        continue;
      }
      if (this.running.has(j.id)) continue;
      const job = await this.get(actor, j.id);
      this.log.info({ import: j.id, from: job.processed_rows }, 'resuming import');
      this.running.add(j.id);
      void this.runInBackground(actor, job, true, j.run_token);
    }
    return stale.rows.length;
  }

  private async runInBackground(
    actor: Actor,
    job: ImportJobView,
    resume: boolean,
    token: string,
  ): Promise<void> {
    try {
      await this.process(actor, job, false, resume, token);
    } catch (err) {
      if (err instanceof ImportTakenOver) {
        this.log.warn({ import: job.id }, 'import taken over by another node');
      } else {
        this.log.error({ err, import: job.id }, 'import failed');
        await TenantDb.for(this.db, actor.tenantId).exec0(
          sql`update import_job set status = 'failed', finished_at = now() where tenant_id = ${actor.tenantId} and id = ${job.id} and run_token = ${token}`,
        );
      }
    } finally {
      this.running.delete(job.id);
    }
  }

  /** Resolves when a background import has finished (tests, CLI). */
  async waitFor(actor: Actor, id: string, timeoutMs = 600_000): Promise<ImportJobView> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const j = await this.get(actor, id);
      if (!['running'].includes(j.status) && !this.running.has(id)) return j;
      if (Date.now() > end) return j;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  failedFile(actor: Actor, job: ImportJobView): string | undefined {
    void actor;
    return job.has_failed_file
      ? path.join(this.filesDir, 'imports', actor.tenantId, `${job.id}-failed.csv`)
      : undefined;
  }

  private async process(
    actor: Actor,
    job: ImportJobView,
    dryRun: boolean,
    resume = false,
    runToken: string | null = null,
  ): Promise<void> {
    const obj = await this.check(actor, job.object);
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const failedPath = path.join(this.filesDir, 'imports', actor.tenantId, `${job.id}-failed.csv`);
    const failedOut = dryRun ? undefined : fs.createWriteStream(failedPath, { flags: resume ? 'a' : 'w' });
    if (!resume)
      failedOut?.write(
        stringify([[...job.headers, actor.locale === 'zh-CN' ? '错误原因' : 'Error']], { bom: true }),
      );
    const columnOf = Object.fromEntries(Object.entries(job.mapping).map(([h, f]) => [f, h]));
    // A resumed import continues from its last committed chunk, with the counters it had then.
    const counters = resume
      ? {
          processed: job.processed_rows,
          created: job.created_rows,
          updated: job.updated_rows,
          skipped: job.skipped_rows,
          failed: job.failed_rows,
        }
      : { processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 };
    const skipRows = resume ? job.processed_rows : 0;
    const errors: RowError[] = resume ? [...job.errors] : [];
    let headers: string[] | undefined;
    let chunk: Array<{ rowNo: number; cells: string[] }> = [];
    let rowNo = 1;
    const describe = (i: FieldIssue): string => fmt(messages[i.issue][actor.locale], i.params);

    const flush = async (): Promise<void> => {
      if (!chunk.length) return;
      const rows = chunk;
      chunk = [];
      const rowErrors = new Map<number, FieldIssue[]>();
      const work = async (tx: TenantDb): Promise<void> => {
        await this.writeChunk(actor, obj, job, rows, rowErrors, counters, tx);
        counters.processed += rows.length;
        for (const r of rows)
          for (const i of rowErrors.get(r.rowNo) ?? [])
            if (errors.length < MAX_REPORTED_ERRORS)
              errors.push({
                row: r.rowNo,
                field: i.field,
                column: columnOf[i.field] ?? null,
                issue: describe(i),
              });
        // Progress, counters and the error report commit with the chunk's records.
        if (!dryRun) {
          const owned =
            await tx.exec0(sql`update import_job set processed_rows = ${counters.processed}, created_rows = ${counters.created}, updated_rows = ${counters.updated},
            skipped_rows = ${counters.skipped}, failed_rows = ${counters.failed}, errors = ${JSON.stringify(errors)}::jsonb, heartbeat_at = now()
            where tenant_id = ${actor.tenantId} and id = ${job.id} and run_token = ${runToken}`);
          // Another node took the import over (we looked dead): roll this chunk back and stop.
          if (owned === 0) throw new ImportTakenOver();
        }
      };
      if (dryRun) {
        await tdb
          .transaction(async (tx) => {
            await work(tx);
            throw new RollbackDryRun();
          })
          .catch((e: unknown) => {
            if (!(e instanceof RollbackDryRun)) throw e;
          });
      } else await tdb.transaction(work);
      for (const r of rows) {
        const issues = rowErrors.get(r.rowNo);
        if (!issues) continue;
        const text = issues.map((i) => `${columnOf[i.field] ?? i.field}: ${describe(i)}`).join('; ');
        failedOut?.write(stringify([[...r.cells.map(neutraliseFormula), text]]));
      }
    };

    for await (const cells of readRows(this.pathOf(actor, job), job.format as ImportFormat)) {
      if (!headers) {
        headers = cells;
        continue;
      }
      rowNo += 1;
      if (rowNo - 1 <= skipRows) continue;
      chunk.push({ rowNo, cells });
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    if (failedOut) await new Promise<void>((resolve) => failedOut.end(resolve));
    const status = dryRun ? 'validated' : 'completed';
    await tdb.transaction(async (tx) => {
      await tx.exec0(sql`update import_job set status = ${status}, total_rows = ${rowNo - 1}, processed_rows = ${counters.processed}, created_rows = ${counters.created},
        updated_rows = ${counters.updated}, skipped_rows = ${counters.skipped}, failed_rows = ${counters.failed}, errors = ${JSON.stringify(errors)}::jsonb,
        failed_file_path = ${!dryRun && counters.failed > 0 ? failedPath : null}, finished_at = ${dryRun ? null : new Date()}
        where tenant_id = ${actor.tenantId} and id = ${job.id} and (${runToken}::uuid is null or run_token = ${runToken})`);
      if (!dryRun)
        await writeAudit(tx, actor, [
          {
            action: 'import',
            object: obj.apiName,
            recordId: null,
            changes: {},
            meta: { import_id: job.id, file: job.file_name, ...counters },
          },
        ]);
    });
    if (!dryRun && counters.failed === 0) fs.rmSync(failedPath, { force: true });
  }

  private pathOf(actor: Actor, job: ImportJobView): string {
    const ext = job.format === 'csv' ? '.csv' : '.xlsx';
    return path.join(this.filesDir, 'imports', actor.tenantId, `${job.id}${ext}`);
  }

  /** One chunk: route rows to create / update / skip, collecting per-row errors. */
  private async writeChunk(
    actor: Actor,
    obj: ObjectDef,
    job: ImportJobView,
    rows: Array<{ rowNo: number; cells: string[] }>,
    rowErrors: Map<number, FieldIssue[]>,
    counters: { created: number; updated: number; skipped: number; failed: number },
    tx: TenantDb,
  ): Promise<void> {
    const inputs = rows.map((r) => ({
      rowNo: r.rowNo,
      input: rowToInput(job.headers, r.cells, job.mapping),
    }));
    let toCreate = inputs;
    if (job.policy !== 'create' && job.match_field) {
      const mf = fieldOf(obj, job.match_field);
      if (!mf) throw new Error('match field vanished');
      // Look up by the exact stored value; match case-insensitively (e-mails, codes).
      const exact = (v: unknown): string | undefined => {
        if (mf.apiName === 'id') return isUuid(v) ? v.toLowerCase() : undefined;
        const c = coerceValue(mf, v, true, actor.currency);
        return c.ok && c.value !== null ? String(c.value) : undefined;
      };
      const keyOf = (v: unknown): string | undefined => exact(v)?.toLowerCase();
      const keys = [
        ...new Set(inputs.map((i) => exact(i.input[mf.apiName])).filter((k): k is string => k !== undefined)),
      ];
      const existing = new Map<string, { id: string }>();
      if (keys.length) {
        const found = await this.records.list(actor, obj.apiName, {
          filter: [{ field: mf.apiName, op: 'in', value: keys }],
          sort: [],
          limit: keys.length * 2 + 10,
          expand: [],
          count: false,
          deleted: 'exclude',
          fields: [mf.apiName],
        });
        for (const r of found.data) existing.set(String(r[mf.apiName]).toLowerCase(), { id: String(r.id) });
      }
      toCreate = [];
      for (const i of inputs) {
        const k = keyOf(i.input[mf.apiName]);
        const hit = k === undefined ? undefined : existing.get(k);
        if (!hit) {
          toCreate.push(i);
          continue;
        }
        if (job.policy === 'skip') {
          counters.skipped += 1;
          continue;
        }
        try {
          const { [mf.apiName]: _k, ...rest } = i.input;
          await this.records.update(actor, obj.apiName, hit.id, rest, { tx, fromText: true });
          counters.updated += 1;
        } catch (e) {
          if (!(e instanceof AppError) || !e.details.length) throw e;
          rowErrors.set(i.rowNo, e.details);
          counters.failed += 1;
        }
      }
    }
    // A module may merge repeat rows into what exists (leads); rows repeating an earlier row of
    // this chunk come back once that one is created.
    let later: typeof toCreate = [];
    for (let pass = 0; toCreate.length; pass++) {
      if (obj.importMerge && pass < 3) {
        const m = await obj.importMerge(
          { actor, tx, records: this.records },
          toCreate.map((i) => i.input),
        );
        counters.updated += m.merged.length;
        for (const [idx, issues] of m.failed) {
          const row = toCreate[idx];
          if (row) rowErrors.set(row.rowNo, issues);
        }
        counters.failed += m.failed.size;
        const deferred = new Set(m.deferred);
        const done = new Set([...m.merged, ...m.failed.keys()]);
        later = toCreate.filter((_, i) => deferred.has(i));
        toCreate = toCreate.filter((_, i) => !done.has(i) && !deferred.has(i));
      }
      await this.createRows(actor, obj, toCreate, rowErrors, counters, tx);
      toCreate = later;
      later = [];
    }
  }

  /** Creates in one batch; rows the engine rejects are reported and the rest retried. */
  private async createRows(
    actor: Actor,
    obj: ObjectDef,
    toCreate: Array<{ rowNo: number; input: Rec }>,
    rowErrors: Map<number, FieldIssue[]>,
    counters: { created: number; updated: number; skipped: number; failed: number },
    tx: TenantDb,
  ): Promise<void> {
    // `id` only matches existing records; new ones get their own.
    let pending = toCreate.map(({ rowNo, input: { id: _id, ...rest } }) => ({ rowNo, input: rest }));
    for (let attempt = 0; pending.length && attempt < 3; attempt++) {
      try {
        await this.records.createMany(
          actor,
          obj.apiName,
          pending.map((p) => p.input),
          { batch: true, fromText: true },
          tx,
        );
        counters.created += pending.length;
        pending = [];
      } catch (e) {
        if (!(e instanceof AppError) || !e.details.length) throw e;
        const bad = new Set<number>();
        for (const d of e.details) {
          const m = /^records\[(\d+)\]\.(.+)$/.exec(d.field);
          if (!m) throw e;
          const idx = Number(m[1]);
          const p = pending[idx];
          if (!p) continue;
          bad.add(idx);
          const list = rowErrors.get(p.rowNo) ?? [];
          list.push({ ...d, field: m[2] ?? d.field });
          rowErrors.set(p.rowNo, list);
        }
        counters.failed += bad.size;
        pending = pending.filter((_, i) => !bad.has(i));
      }
    }
    if (pending.length) {
      for (const p of pending) rowErrors.set(p.rowNo, [{ field: 'record', issue: 'invalid_value' }]);
      counters.failed += pending.length;
    }
  }
}

class RollbackDryRun extends Error {}

/** This process no longer owns the running import. */
class ImportTakenOver extends Error {}

/** Matching existing records needs a match field, or every row would silently be created. */
function assertConfigured(job: ImportJobView): void {
  if (job.policy !== 'create' && !job.match_field)
    throw invalid([{ field: 'match_field', issue: 'required' }]);
  if (!Object.keys(job.mapping).length) throw invalid([{ field: 'mapping', issue: 'required' }]);
}

export type { Rec };
