import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import type { TestProject } from 'vitest/node';
import {
  startEmbedded,
  createDatabase,
  dropDatabase,
  type EmbeddedServer,
} from '../src/platform/db/embedded.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { migrationSources } from '../src/app.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    dataDir: string;
  }
}

/**
 * One PostgreSQL for the run: TEST_DATABASE_URL's server when set, otherwise an embedded one in
 * a temp dir. A fresh database is created and migrated; tests isolate themselves by tenant.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-test-'));
  // Embedded PostgreSQL runs as the postgres user when we are root: it must reach the dir.
  fs.chmodSync(dataDir, 0o755);
  let embedded: EmbeddedServer | undefined;
  let adminUrl: string;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    embedded = await startEmbedded({ dataDir, allowAttach: false });
    adminUrl = embedded.url;
  }
  const name = `flywheel_test_${crypto.randomBytes(4).toString('hex')}`;
  const url = await createDatabase(adminUrl, name);
  await migrate(url, migrationSources());
  project.provide('databaseUrl', url);
  project.provide('dataDir', dataDir);
  return async () => {
    await dropDatabase(adminUrl, name).catch(() => undefined);
    await embedded?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
