import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { can, type Actor } from '../access/permissions.ts';
import { AppError, forbidden, invalid, notFound } from '../http/errors.ts';
import type { RecordsService } from '../records/records.service.ts';
import { writeAudit } from '../audit/audit.ts';
import { emitEvents } from '../events/outbox.ts';

/** Largest attachment accepted (contract scans, signed PDFs). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export interface AttachmentView {
  id: string;
  object: string;
  record_id: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_by: string | null;
  created_at: string;
}

const COLS = sql`id, object, record_id, file_name, content_type, size_bytes, sha256, created_by, created_at`;

/** A file name as shown and downloaded: no path, no control characters, at most 200 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean.slice(-200) || 'file';
}

function cleanContentType(t: string | undefined): string {
  return t && /^[\w.+-]+\/[\w.+-]+$/.test(t) ? t.toLowerCase() : 'application/octet-stream';
}

/**
 * Attachments of any record. Access follows the record: whoever may read it may list and download
 * its files; attaching and removing need edit permission on the object (removing one's own upload
 * too). Bytes are stored under the data dir by id, never by the uploaded name.
 */
export class FilesService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly filesDir: string,
  ) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.db, actor.tenantId);
  }

  private pathOf(key: string): string {
    return path.join(this.filesDir, key);
  }

  /** Stores an uploaded stream on a record the actor may edit. */
  async attach(
    actor: Actor,
    object: string,
    recordId: string,
    fileName: string,
    contentType: string | undefined,
    stream: Readable,
  ): Promise<AttachmentView> {
    await this.records.get(actor, object, recordId);
    if (!can(actor, object, 'update')) {
      stream.resume();
      throw forbidden();
    }
    const id = newId();
    const key = path.join('attachments', actor.tenantId, id);
    const file = this.pathOf(key);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const hash = crypto.createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > MAX_ATTACHMENT_BYTES) return done(new AppError('payload_too_large', 'payload_too_large'));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(stream, meter, fs.createWriteStream(file));
    } catch (err) {
      fs.rmSync(file, { force: true });
      stream.resume();
      throw err instanceof AppError ? err : invalid([{ field: 'file', issue: 'invalid_value' }]);
    }
    if (size === 0) {
      fs.rmSync(file, { force: true });
      throw invalid([{ field: 'file', issue: 'required' }]);
    }
    try {
      return await this.insert(actor, object, recordId, {
        id,
        key,
        fileName: cleanFileName(fileName),
        contentType: cleanContentType(contentType),
        size,
        sha256: hash.digest('hex'),
      });
    } catch (err) {
      fs.rmSync(file, { force: true });
      throw err;
    }
  }

  /** Stores bytes a module produced (a quote's PDF) on a record, in the caller's transaction if given. */
  async store(
    actor: Actor,
    object: string,
    recordId: string,
    fileName: string,
    contentType: string,
    bytes: Buffer,
    tx?: TenantDb,
  ): Promise<AttachmentView> {
    const id = newId();
    const key = path.join('attachments', actor.tenantId, id);
    fs.mkdirSync(path.dirname(this.pathOf(key)), { recursive: true });
    fs.writeFileSync(this.pathOf(key), bytes);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    try {
      return await this.insert(
        actor,
        object,
        recordId,
        { id, key, fileName: cleanFileName(fileName), contentType, size: bytes.length, sha256 },
        tx,
      );
    } catch (err) {
      fs.rmSync(this.pathOf(key), { force: true });
      throw err;
    }
  }

  /**
   * The bytes of a file a module stored, even after someone removed the attachment from the
   * record (removing hides a file, the bytes stay): a sent quote's PDF remains what the customer
   * got. No access check here — the module checked access to its own record. Null when unknown.
   */
  async storedBytes(tdb: TenantDb, id: string): Promise<Buffer | null> {
    if (!isUuid(id)) return null;
    const row = await tdb.one(sql<{ storage_key: string }>`select storage_key from attachment
      where tenant_id = ${tdb.tenantId} and id = ${id}`);
    if (!row) return null;
    const file = this.pathOf(row.storage_key);
    return fs.existsSync(file) ? fs.readFileSync(file) : null;
  }

  private async insert(
    actor: Actor,
    object: string,
    recordId: string,
    f: { id: string; key: string; fileName: string; contentType: string; size: number; sha256: string },
    outerTx?: TenantDb,
  ): Promise<AttachmentView> {
    const run = async (tx: TenantDb): Promise<AttachmentView> => {
      await tx.exec0(sql`insert into attachment (tenant_id, id, object, record_id, file_name, content_type, size_bytes,
          sha256, storage_key, created_by)
        values (${tx.tenantId}, ${f.id}, ${object}, ${recordId}, ${f.fileName}, ${f.contentType}, ${f.size},
          ${f.sha256}, ${f.key}, ${actor.userId})`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object,
          recordId,
          changes: { attachments: [null, { id: f.id, file_name: f.fileName, size_bytes: f.size }] },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'attachment.added',
          object,
          recordId,
          payload: { id: f.id, object, record_id: recordId, file_name: f.fileName, size_bytes: f.size },
        },
      ]);
      const row = await tx.one(
        sql<AttachmentView>`select ${COLS} from attachment where tenant_id = ${tx.tenantId} and id = ${f.id}`,
      );
      if (!row) throw notFound();
      return { ...row, size_bytes: Number(row.size_bytes) };
    };
    return outerTx ? run(outerTx) : this.tdb(actor).transaction(run);
  }

  async list(actor: Actor, object: string, recordId: string): Promise<AttachmentView[]> {
    await this.records.get(actor, object, recordId);
    const rows = await this.tdb(actor).query(sql<AttachmentView>`select ${COLS} from attachment
      where tenant_id = ${actor.tenantId} and object = ${object} and record_id = ${recordId} and deleted_at is null
      order by created_at desc, id desc`);
    return rows.map((r) => ({ ...r, size_bytes: Number(r.size_bytes) }));
  }

  private async row(actor: Actor, id: string): Promise<AttachmentView & { storage_key: string }> {
    if (!isUuid(id)) throw notFound();
    const row = await this.tdb(actor).one(sql<
      AttachmentView & { storage_key: string }
    >`select ${COLS}, storage_key
      from attachment where tenant_id = ${actor.tenantId} and id = ${id} and deleted_at is null`);
    if (!row) throw notFound();
    // the record decides: a file of a record the actor cannot read does not exist for them
    await this.records.get(actor, row.object, row.record_id);
    return row;
  }

  async open(actor: Actor, id: string): Promise<{ meta: AttachmentView; stream: Readable }> {
    const { storage_key, ...meta } = await this.row(actor, id);
    const file = this.pathOf(storage_key);
    if (!fs.existsSync(file)) throw notFound();
    return { meta: { ...meta, size_bytes: Number(meta.size_bytes) }, stream: fs.createReadStream(file) };
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const row = await this.row(actor, id);
    if (row.created_by !== actor.userId && !can(actor, row.object, 'update')) throw forbidden();
    await this.tdb(actor).transaction(async (tx) => {
      await tx.exec0(
        sql`update attachment set deleted_at = now() where tenant_id = ${tx.tenantId} and id = ${id}`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: row.object,
          recordId: row.record_id,
          changes: { attachments: [{ id, file_name: row.file_name }, null] },
        },
      ]);
    });
  }
}
