#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/ by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/runbook.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('runbook: not built yet; run `npm ci` (or `npm run build`) in the runbook folder first.\n');
  process.exit(2);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
