#!/usr/bin/env node
// Entry point for `flywheel …` / `npx flywheel …`: runs the TypeScript CLI through tsx,
// so there is no separate build step for the server.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
const result = await runCli(process.argv.slice(2));
// One-shot commands exit explicitly: open handles (pools, exit hooks) must not decide the code.
if (result !== 'running') process.exit(result);
