// Bundles the CLI into dist/ with esbuild: one file loads in about half the time of many
// (measured). The TUI and the database/Supabase clients are split into chunks loaded on first use.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleOptions, productionOptions } from './bundleOptions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// The prepared sandbox (dist/sandbox-template/) outlives rebuilds: it is keyed by what it is made of.
for (const entry of (() => { try { return readdirSync(`${root}dist`); } catch { return []; } })()) {
  if (entry !== 'sandbox-template') rmSync(`${root}dist/${entry}`, { recursive: true, force: true });
}

// The parse cache is keyed by the parser's own source, so a changed parser never reads an old model.
const parserHash = createHash('sha256');
for (const file of readdirSync(`${root}src/runbook`).sort()) parserHash.update(file).update(readFileSync(`${root}src/runbook/${file}`));

const { metafile } = await build({
  absWorkingDir: root,
  // Which source went into which chunk: the first-frame test reads it (test/e2e/firstFrame.test.ts).
  metafile: true,
  // `session` is the evidence chain as a library, for scripts and for tests that run it in a child process.
  entryPoints: { runbook: 'src/launch.ts', cli: 'src/cli.ts', session: 'src/session/index.ts', 'sandbox-template': 'src/sandbox/template.ts' },
  outdir: 'dist',
  ...bundleOptions,
  ...productionOptions(root),
  define: { ...productionOptions(root).define, __PARSER_ID__: JSON.stringify(parserHash.digest('hex').slice(0, 16)) },
  // Optional native addons that are never installed; PGlite loads its WASM and extension files from
  // beside its own module, so it stays in node_modules; so do the guards' parsers (libpg-query, sh-syntax).
  external: ['pg-native', 'bufferutil', 'utf-8-validate', '@electric-sql/pglite', '@electric-sql/pglite/*', '@electric-sql/pglite-socket', 'libpg-query', 'sh-syntax'],
});

writeFileSync(`${root}dist/meta.json`, JSON.stringify(metafile));

// Prepare the sandbox's data folder once, so a new sandbox is a copy and not an initdb (seconds, ~800 MB).
const { buildTemplate, builtTemplateRoot } = await import(`${root}dist/sandbox-template.js`);
await buildTemplate(builtTemplateRoot(), (message) => process.stderr.write(`${message}\n`));
