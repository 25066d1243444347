/**
 * Lead benchmarks (issue 4): capture with the unified duplicate check against a large lead
 * table, importing leads through the pipeline, and funnel analytics — each beside the bare SQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 } from 'uuid';
import type { Platform } from '../server/src/platform/platform.ts';
import type { Actor } from '../server/src/platform/access/permissions.ts';
import { LeadsService } from '../server/src/modules/leads/index.ts';
import { leadAnalytics } from '../server/src/modules/leads/analytics.service.ts';
import { normaliseCompany } from '../server/src/modules/accounts/index.ts';
import { company, mobile, personName, pick, seededRng, TITLES } from '../server/src/demo/generator.ts';
import { compare, latencyRow, throughputRow, type Row } from './lib.ts';

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' ');
const STATUSES = ['unassigned', 'pending', 'pending', 'in_progress', 'in_progress', 'converted', 'invalid'];
const SOURCES = ['web_form', 'api', 'import', 'manual', 'campaign'];

export async function benchLeads(
  p: Platform,
  actor: Actor,
  raw: pg.Client,
  o: { leads: number; importRows: number; iterations: number; workDir: string; log: (m: string) => void },
): Promise<Row[]> {
  const rows: Row[] = [];
  const t = actor.tenantId;
  const rng = seededRng(4242);
  const t0 = Date.now();
  function* lines(): Generator<string> {
    let batch: string[] = [];
    for (let i = 0; i < o.leads; i++) {
      const c = company(rng, i);
      const status = pick(rng, STATUSES);
      const created = new Date(Date.now() - Math.floor(rng() * 180) * 86_400_000).toISOString();
      batch.push(
        [
          t,
          v7(),
          status === 'unassigned' ? '\\N' : actor.userId,
          created,
          created,
          esc(personName(rng)),
          mobile(rng),
          esc(c.name),
          esc(normaliseCompany(c.name)),
          pick(rng, TITLES),
          c.province,
          status,
          pick(rng, SOURCES),
          '0',
          '1',
        ].join('\t'),
      );
      if (batch.length === 5000) {
        yield `${batch.join('\n')}\n`;
        batch = [];
      }
    }
    if (batch.length) yield `${batch.join('\n')}\n`;
  }
  await pipeline(
    Readable.from(lines()),
    raw.query(
      copyFrom(
        'copy lead (tenant_id, id, owner_id, created_at, updated_at, name, mobile, company, company_norm, title, province, status, source, score, touch_count) from stdin',
      ),
    ),
  );
  await raw.query('analyze lead');
  o.log(`loaded ${o.leads.toLocaleString()} leads in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const leads = new LeadsService(p);
  let n = 0;
  const fresh = () => {
    const c = company(rng, 50_000_000 + n++);
    return {
      name: personName(rng),
      mobile: mobile(rng),
      company: c.name,
      province: c.province,
      title: pick(rng, TITLES),
    };
  };
  // 1. capture: normalise + duplicate check (exact mobile/e-mail, fuzzy company) + create + score + assign
  const [fwCap, rawCap] = await compare(
    () => leads.capture(actor, fresh(), { channel: 'api' }),
    async () => {
      const f = fresh();
      const norm = normaliseCompany(f.company);
      await raw.query('begin');
      await raw.query(`select set_config('pg_trgm.similarity_threshold', '0.6', true)`);
      await raw.query(
        'select id from lead where tenant_id = $1 and deleted_at is null and (mobile = $2 or company_norm % $3) limit 50',
        [t, f.mobile, norm],
      );
      await raw.query(
        'select id from account where tenant_id = $1 and deleted_at is null and name_norm % $2 limit 50',
        [t, norm],
      );
      await raw.query(
        'select id from contact where tenant_id = $1 and deleted_at is null and mobile = $2 limit 50',
        [t, f.mobile],
      );
      await raw.query(
        `insert into lead (tenant_id, id, name, mobile, company, company_norm, status, source) values ($1, $2, $3, $4, $5, $6, 'unassigned', 'api')`,
        [t, v7(), f.name, f.mobile, f.company, norm],
      );
      await raw.query('commit');
    },
    o.iterations,
  );
  rows.push(
    latencyRow(
      `lead capture with duplicate check (${o.leads.toLocaleString()} leads)`,
      fwCap,
      rawCap,
      `p95 ${fwCap.p95.toFixed(1)} vs ${rawCap.p95.toFixed(1)} ms; raw = the three lookups + insert`,
    ),
  );

  // 2. funnel analytics over the whole table
  const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const from = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
  const [fwFunnel, rawFunnel] = await compare(
    () => leadAnalytics(p.db, actor, { from, to, granularity: 'month' }),
    () =>
      raw.query(
        `select count(*), count(*) filter (where status in ('in_progress','converted')), count(*) filter (where status = 'converted') from lead where tenant_id = $1 and deleted_at is null and created_at >= $2::date`,
        [t, from],
      ),
    Math.max(3, Math.floor(o.iterations / 20)),
    1,
  );
  rows.push(
    latencyRow(
      `lead analytics over ${o.leads.toLocaleString()} leads`,
      fwFunnel,
      rawFunnel,
      'Flywheel: trend, funnel, sources, reasons, owners, moves, campaigns; raw: the funnel counts only',
    ),
  );

  // 3. import leads through the pipeline (normalise, duplicate check, score, assign, audit, events) vs COPY
  const csv = ['姓名,手机,公司名称,职务,省份'];
  const copyLines: string[] = [];
  for (let i = 0; i < o.importRows; i++) {
    const c = company(rng, 60_000_000 + i);
    const row = [personName(rng), mobile(rng), c.name, pick(rng, TITLES), c.province];
    csv.push(row.join(','));
    copyLines.push(
      [
        t,
        v7(),
        esc(row[0] ?? ''),
        row[1],
        esc(c.name),
        esc(normaliseCompany(c.name)),
        row[3],
        row[4],
        'unassigned',
        'import',
      ].join('\t'),
    );
  }
  const file = path.join(o.workDir, 'leads.csv');
  fs.writeFileSync(file, `${csv.join('\n')}\n`);
  const s0 = Date.now();
  const job = await p.imports.upload(actor, 'lead', 'leads.csv', fs.createReadStream(file));
  await p.imports.configure(actor, job.id, { policy: 'create' });
  await p.imports.start(actor, job.id);
  const done = await p.imports.waitFor(actor, job.id);
  const importMs = Date.now() - s0;
  // At a million leads some generated mobiles repeat existing ones: those rows merge into the
  // existing lead as a new touch (counted as updated), which is the pipeline doing its job.
  if (done.created_rows + done.updated_rows !== o.importRows)
    throw new Error(
      `lead import created ${done.created_rows} and merged ${done.updated_rows} of ${o.importRows}: ${JSON.stringify(done.errors.slice(0, 3))}`,
    );
  const c0 = Date.now();
  await pipeline(
    Readable.from([`${copyLines.join('\n')}\n`]),
    raw.query(
      copyFrom(
        'copy lead (tenant_id, id, name, mobile, company, company_norm, title, province, status, source) from stdin',
      ),
    ),
  );
  const copyMs = Date.now() - c0;
  rows.push(
    throughputRow(
      `import ${o.importRows.toLocaleString()} leads vs COPY`,
      o.importRows / (importMs / 1000),
      o.importRows / (copyMs / 1000),
      `${(importMs / 1000).toFixed(1)} s vs ${(copyMs / 1000).toFixed(1)} s; pipeline per row: normalise, duplicate check, score, assign${done.updated_rows ? `; ${done.updated_rows} rows merged as touches` : ''}`,
    ),
  );
  return rows;
}
