#!/usr/bin/env node
// Entry point for `flywheel …` / `npx flywheel …`: runs the TypeScript CLI through tsx,
// so there is no separate build step for the server.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
await runCli(process.argv.slice(2));
