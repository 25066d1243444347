#!/usr/bin/env node
// `npm start` serves web/dist: build it first when it is missing or older than the web sources,
// so a fresh clone needs only `npm install && npm start`.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const index = path.join(web, 'dist', 'index.html');

function newest(dir) {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
}

if (!fs.existsSync(path.join(web, 'package.json'))) process.exit(0);
const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
const sources = Math.max(newest(path.join(web, 'src')), fs.statSync(path.join(web, 'index.html')).mtimeMs);
if (built >= sources) process.exit(0);
console.log('[flywheel] building the web app (first start or changed sources) …');
const r = spawnSync('npm', ['run', '-w', 'web', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
