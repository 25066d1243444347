/**
 * Flywheel benchmarks: each figure beside the same work done the bare way with `pg` (raw SQL or
 * COPY) in the same run, and their ratio. `npm run bench` = full run (1,000,000 accounts,
 * 100,000-row import); `npm run bench -- --smoke` = the quick CI run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { v7 } from 'uuid';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import {
  startEmbedded,
  createDatabase,
  dropDatabase,
  type EmbeddedServer,
} from '../server/src/platform/db/embedded.ts';
import { migrate } from '../server/src/platform/db/migrate.ts';
import { createTenant } from '../server/src/platform/identity/tenants.service.ts';
import { loadActor } from '../server/src/platform/identity/actor.ts';
import { standardObjects } from '../server/src/modules/index.ts';
import { migrationSources } from '../server/src/app.ts';
import type { ListQuery } from '../server/src/platform/records/query.rules.ts';
import { accounts, importCsv, TIERS, type BenchAccount } from './generate.ts';
import { normaliseCompany } from '../server/src/modules/accounts/index.ts';
import { benchLeads } from './leads.ts';
import { benchSales } from './sales.ts';
import { benchWeb } from './web.ts';
import { benchCash } from './cash.ts';
import { benchSubscriptions } from './subscriptions.ts';
import { benchSuccess } from './success.ts';
import { compare, latencyRow, table, throughputRow, time, type Row } from './lib.ts';

const smoke = process.argv.includes('--smoke');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg('records', smoke ? 20_000 : 1_000_000);
const IMPORT_ROWS = arg('import-rows', smoke ? 5_000 : 100_000);
const ITER = arg('iterations', smoke ? 30 : 300);
const LEADS = arg('leads', smoke ? 20_000 : 1_000_000);
const LEAD_IMPORT_ROWS = arg('lead-import-rows', smoke ? 2_000 : 100_000);
const SALES_ACCOUNTS = arg('sales-accounts', smoke ? 20_000 : 200_000);
const SALES_OPPORTUNITIES = arg('opportunities', smoke ? 10_000 : 100_000);
const SALES_ACTIVITIES = arg('activities', smoke ? 200_000 : 2_000_000);
const CASH_PRODUCTS = arg('cash-products', 2_000);
const CASH_PAYMENTS = arg('cash-payments', smoke ? 500 : 50_000);
const CASH_INSTALMENTS = arg('cash-instalments', smoke ? 1_000 : 100_000);
const AGING_INSTALMENTS = arg('aging-instalments', smoke ? 20_000 : 1_000_000);
const SUB_CUSTOMERS = arg('sub-customers', smoke ? 2_000 : 50_000);
const SUB_LINES = arg('sub-lines', smoke ? 20_000 : 500_000);
const SUCCESS_CUSTOMERS = arg('success-customers', smoke ? 500 : 10_000);
const SUCCESS_DAYS = arg('success-days', smoke ? 120 : 365);
const SUCCESS_INGEST_ROWS = arg('success-ingest-rows', smoke ? 60_000 : 1_000_000);
const TOUCH_CUSTOMERS = arg('touch-customers', smoke ? 300 : 10_000);
const JOURNEYS = arg('journeys', smoke ? 500 : 20_000);
// --only=cash (or a comma list of accounts, leads, sales, cash, subscriptions, success, web) runs just those parts
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const part = (name: string): boolean => !only || only.includes(name);
const log = (m: string): void => console.log(`[bench] ${m}`);

const ACCOUNT_COPY_COLUMNS =
  'tenant_id, id, owner_id, created_by, updated_by, name, name_norm, industry, province, city, size, type, grade, phone, employees, annual_revenue, annual_revenue_currency, custom';

/**
 * One account as a COPY line: the same columns Flywheel writes, including the normalised name
 * its duplicate check indexes, so the bare-COPY baseline does the same work.
 */
function accountCopyLine(tenantId: string, userId: string, id: string, a: BenchAccount): string {
  return [
    tenantId,
    id,
    userId,
    userId,
    userId,
    esc(a.name),
    esc(normaliseCompany(a.name)),
    a.industry,
    a.province,
    a.city,
    a.size,
    a.type,
    a.grade,
    a.phone,
    a.employees,
    a.annual_revenue,
    'CNY',
    JSON.stringify({ tier__c: a.tier, seats__c: a.seats }),
  ].join('\t');
}

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\t/g, ' ').replace(/\n/g, ' ');

async function main(): Promise<void> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-bench-'));
  fs.chmodSync(workDir, 0o755);
  let embedded: EmbeddedServer | undefined;
  let adminUrl = process.env.BENCH_DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbedded({ dataDir: workDir, allowAttach: false });
    adminUrl = embedded.url;
  }
  const dbName = `flywheel_bench_${process.pid}`;
  const url = await createDatabase(adminUrl, dbName);
  const rows: Row[] = [];
  try {
    await migrate(url, migrationSources());
    const config = loadConfig({ dataDir: workDir, runJobs: false, logLevel: 'silent' });
    const built = await buildApp({ config, databaseUrl: url, logger: false });
    const p = built.platform;
    const t = await createTenant(
      p.db,
      { slug: 'bench', name: 'Bench', adminEmail: 'admin@bench.test', adminPassword: 'Bench-Password-2026' },
      standardObjects(),
    );
    const actor = await loadActor(p.db, t.tenantId, { userId: t.adminUserId });
    if (!actor) throw new Error('no actor');
    await p.metadata.createField(actor, 'account', {
      api_name: 'tier__c',
      type: 'select',
      label: { 'zh-CN': '客户层级', 'en-US': 'Tier' },
      required: false,
      unique: false,
      indexed: true,
      options: TIERS.map((v) => ({ value: v, label: { 'zh-CN': v, 'en-US': v } })),
    });
    await p.metadata.createField(actor, 'account', {
      api_name: 'seats__c',
      type: 'number',
      label: { 'zh-CN': '座席数', 'en-US': 'Seats' },
      required: false,
      unique: false,
      indexed: true,
      min: 0,
    });

    // same session settings as Flywheel's pool (JIT off), so the baseline is not slowed by JIT either
    const raw = new pg.Client({ connectionString: url, options: '-c jit=off' });
    // Cleanup drops the database WITH (FORCE), which ends this connection: without a handler that
    // ending crashed the process and hid the error that sent us to cleanup (57P01 in BENCH.md).
    raw.on('error', (e) => log(`raw connection: ${e.message}`));
    await raw.connect();

    if (part('accounts')) {
      // --- data: RECORDS accounts through COPY (the generator is deterministic) ---
      const t0 = Date.now();
      const copyStream = raw.query(copyFrom(`copy account (${ACCOUNT_COPY_COLUMNS}) from stdin`));
      const ids: string[] = [];
      function* lines(): Generator<string> {
        let batch: string[] = [];
        for (const a of accounts(42, RECORDS)) {
          const id = v7();
          if (ids.length < 10_000) ids.push(id);
          batch.push(accountCopyLine(t.tenantId, t.adminUserId, id, a));
          if (batch.length === 5000) {
            yield `${batch.join('\n')}\n`;
            batch = [];
          }
        }
        if (batch.length) yield `${batch.join('\n')}\n`;
      }
      await pipeline(Readable.from(lines()), copyStream);
      await raw.query('analyze account');
      log(`loaded ${RECORDS.toLocaleString()} accounts in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

      const provinces = ['广东省', '浙江省', '江苏省', '北京市', '上海市', '四川省'];
      let k = 0;
      const listQuery = (over: Partial<ListQuery>): ListQuery => ({
        filter: [],
        sort: [],
        limit: 50,
        expand: [],
        count: false,
        deleted: 'exclude',
        ...over,
      });

      // 1. list, standard field filter + sort (each pair alternates call by call: same cache, same noise)
      const [fwList, rawList] = await compare(
        () =>
          p.records.list(
            actor,
            'account',
            listQuery({
              filter: [{ field: 'province', op: 'eq', value: provinces[k % provinces.length] }],
              sort: [{ field: 'annual_revenue', desc: true }],
            }),
          ),
        () =>
          raw.query(
            'select * from account where tenant_id = $1 and deleted_at is null and province = $2 order by annual_revenue desc, id desc limit 51',
            [t.tenantId, provinces[k++ % provinces.length]],
          ),
        ITER,
      );
      rows.push(
        latencyRow(
          'list: filter province = X, sort -annual_revenue, 50 rows',
          fwList,
          rawList,
          'records engine vs hand-written SQL',
        ),
      );

      // 2. list, custom field filter + sort
      const [fwCustom, rawCustom] = await compare(
        () =>
          p.records.list(
            actor,
            'account',
            listQuery({
              filter: [{ field: 'tier__c', op: 'eq', value: TIERS[k % TIERS.length] }],
              sort: [{ field: 'seats__c', desc: true }],
            }),
          ),
        () =>
          raw.query(
            `select * from account where tenant_id = $1 and deleted_at is null and custom @> $2::jsonb order by (custom->>'seats__c')::numeric desc, id desc limit 51`,
            [t.tenantId, JSON.stringify({ tier__c: TIERS[k++ % TIERS.length] })],
          ),
        ITER,
      );
      rows.push(latencyRow('list: filter tier__c = X, sort -seats__c (custom fields)', fwCustom, rawCustom));

      // 3. get by id
      const [fwGet, rawGet] = await compare(
        () => p.records.get(actor, 'account', ids[k % ids.length] ?? ''),
        () =>
          raw.query('select * from account where tenant_id = $1 and id = $2 and deleted_at is null', [
            t.tenantId,
            ids[k++ % ids.length],
          ]),
        ITER * 3,
      );
      rows.push(latencyRow('get by id', fwGet, rawGet));

      // 4. the same list and get over HTTP (API key, JSON serialisation) — what a client sees
      await built.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = built.app.server.address();
      const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const key = (
        await p.auth.createApiKey(t.tenantId, { name: 'bench', roleKey: 'admin', createdBy: t.adminUserId })
      ).key;
      const headers = { authorization: `Bearer ${key}` };
      const httpList = await time(
        async () =>
          (
            await fetch(
              `${base}/api/v1/objects/account?filter[province]=${encodeURIComponent(provinces[k++ % provinces.length] ?? '')}&sort=-annual_revenue&limit=50`,
              { headers },
            )
          ).json(),
        ITER,
      );
      rows.push(
        latencyRow(
          'HTTP GET list (same query)',
          httpList,
          rawList,
          'end to end incl. auth + JSON; raw = SQL only',
        ),
      );
      const httpGet = await time(
        async () =>
          (await fetch(`${base}/api/v1/objects/account/${ids[k++ % ids.length]}`, { headers })).json(),
        ITER,
      );
      rows.push(
        latencyRow('HTTP GET record', httpGet, rawGet, 'end to end incl. auth + JSON; raw = SQL only'),
      );

      // 5. create one (transaction with audit row and outbox event) vs one INSERT
      let n = 0;
      const fwCreate = await time(
        () =>
          p.records.create(actor, 'account', {
            name: `bench-create-${n++}`,
            province: '浙江省',
            annual_revenue: { amount: 100_00, currency: 'CNY' },
            tier__c: 'gold',
            seats__c: 5,
          }),
        ITER,
      );
      const rawCreate = await time(
        () =>
          raw.query(
            `insert into account (tenant_id, id, owner_id, created_by, updated_by, name, province, annual_revenue, annual_revenue_currency, custom) values ($1, $2, $3, $3, $3, $4, '浙江省', 10000, 'CNY', $5)`,
            [
              t.tenantId,
              v7(),
              t.adminUserId,
              `raw-create-${n++}`,
              JSON.stringify({ tier__c: 'gold', seats__c: 5 }),
            ],
          ),
        ITER,
      );
      rows.push(
        latencyRow(
          'create one record',
          fwCreate,
          rawCreate,
          'Flywheel also writes audit + outbox in the same transaction',
        ),
      );

      // 6. bulk create 1,000
      const batch = (prefix: string) =>
        [...accounts(7 + n++, 1000, 10_000_000 + n * 1000)].map((a) => ({
          name: `${prefix}${a.name}`,
          province: a.province,
          city: a.city,
          employees: a.employees,
          annual_revenue: { amount: a.annual_revenue, currency: 'CNY' },
          tier__c: a.tier,
          seats__c: a.seats,
        }));
      const bulkIter = smoke ? 3 : 10;
      const fwBulk = await time(() => p.records.createMany(actor, 'account', batch('fw-')), bulkIter, 1);
      const rawBulk = await time(
        async () => {
          const b = batch('raw-');
          const values: unknown[] = [];
          const tuples = b.map((r, i) => {
            values.push(
              v7(),
              r.name,
              r.province,
              r.city,
              r.employees,
              r.annual_revenue.amount,
              JSON.stringify({ tier__c: r.tier__c, seats__c: r.seats__c }),
            );
            const o = i * 7;
            return `($1, $${o + 3}, $2, $2, $2, $${o + 4}, $${o + 5}, $${o + 6}, $${o + 7}, $${o + 8}, 'CNY', $${o + 9}::jsonb)`;
          });
          await raw.query(
            `insert into account (tenant_id, id, owner_id, created_by, updated_by, name, province, city, employees, annual_revenue, annual_revenue_currency, custom) values ${tuples.join(',')}`,
            [t.tenantId, t.adminUserId, ...values],
          );
        },
        bulkIter,
        1,
      );
      rows.push(
        throughputRow(
          'bulk create, 1,000 records per call',
          1000 / (fwBulk.median / 1000),
          1000 / (rawBulk.median / 1000),
          'validated, audited, one event per record',
        ),
      );

      // 7. import a CSV vs COPY of the same rows
      const csvPath = path.join(workDir, 'import.csv');
      fs.writeFileSync(csvPath, importCsv(99, IMPORT_ROWS, 20_000_000));
      const importStart = Date.now();
      const job = await p.imports.upload(actor, 'account', 'import.csv', fs.createReadStream(csvPath));
      await p.imports.configure(actor, job.id, { policy: 'create' });
      await p.imports.start(actor, job.id);
      const done = await p.imports.waitFor(actor, job.id);
      const importMs = Date.now() - importStart;
      if (done.created_rows !== IMPORT_ROWS)
        throw new Error(
          `import created ${done.created_rows} of ${IMPORT_ROWS}: ${JSON.stringify(done.errors.slice(0, 3))}`,
        );
      const copyLines = [...accounts(99, IMPORT_ROWS, 30_000_000)].map((a) =>
        accountCopyLine(t.tenantId, t.adminUserId, v7(), a),
      );
      const copyStart = Date.now();
      await pipeline(
        Readable.from([`${copyLines.join('\n')}\n`]),
        raw.query(copyFrom(`copy account (${ACCOUNT_COPY_COLUMNS}) from stdin`)),
      );
      const copyMs = Date.now() - copyStart;
      rows.push(
        throughputRow(
          `import ${IMPORT_ROWS.toLocaleString()} CSV rows vs COPY`,
          IMPORT_ROWS / (importMs / 1000),
          IMPORT_ROWS / (copyMs / 1000),
          `Flywheel ${(importMs / 1000).toFixed(1)} s (parse, map, validate, audit, events) vs COPY ${(copyMs / 1000).toFixed(1)} s`,
        ),
      );
    }

    if (part('leads'))
      rows.push(
        ...(await benchLeads(p, actor, raw, {
          leads: LEADS,
          importRows: LEAD_IMPORT_ROWS,
          iterations: Math.max(20, Math.floor(ITER / 3)),
          workDir,
          log,
        })),
      );
    if (part('sales'))
      rows.push(
        ...(await benchSales(p, raw, {
          accounts: SALES_ACCOUNTS,
          opportunities: SALES_OPPORTUNITIES,
          activities: SALES_ACTIVITIES,
          iterations: Math.max(20, Math.floor(ITER / 3)),
          log,
        })),
      );
    if (part('cash'))
      rows.push(
        ...(await benchCash(p, raw, {
          products: CASH_PRODUCTS,
          quoteLines: 200,
          iterations: ITER,
          payments: CASH_PAYMENTS,
          instalments: CASH_INSTALMENTS,
          agingInstalments: AGING_INSTALMENTS,
          agingIterations: Math.max(3, Math.floor(ITER / 60)),
          log,
        })),
      );

    if (part('subscriptions'))
      rows.push(
        ...(await benchSubscriptions(p, raw, {
          customers: SUB_CUSTOMERS,
          lines: SUB_LINES,
          iterations: ITER,
          log,
        })),
      );

    if (part('success'))
      rows.push(
        ...(await benchSuccess(p, raw, {
          customers: SUCCESS_CUSTOMERS,
          days: SUCCESS_DAYS,
          ingestRows: SUCCESS_INGEST_ROWS,
          iterations: smoke ? 5 : 3,
          touchCustomers: TOUCH_CUSTOMERS,
          journeys: JOURNEYS,
          readIterations: arg('read-iterations', smoke ? 10 : 20),
          log,
        })),
      );

    await raw.end();
    await built.close();
  } catch (err) {
    console.error('[bench] failed:', err);
    throw err;
  } finally {
    if (!process.argv.includes('--keep')) await dropDatabase(adminUrl, dbName).catch(() => undefined);
    else log(`kept database ${dbName}`);
    await embedded?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  // Front end (issue 3): after the database benchmarks, so they do not share the cores.
  if (!process.argv.includes('--no-web') && part('web')) rows.push(...(await benchWeb({ smoke, log })));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const sizes = part('accounts')
    ? `${RECORDS.toLocaleString()} accounts, ${IMPORT_ROWS.toLocaleString()}-row import`
    : `parts ${only?.join(', ') ?? ''}`;
  const header = `${smoke ? 'Smoke run' : 'Full run'}: ${sizes}, ${ITER} iterations — ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.env.BENCH_DATABASE_URL ? 'external' : 'embedded'} PostgreSQL`;
  const md = `${header}\n\n${table(rows)}\n`;
  console.log(`\n${md}`);
  fs.mkdirSync(path.join(import.meta.dirname, 'out'), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, 'out', smoke ? 'smoke.md' : 'full.md'), md);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
