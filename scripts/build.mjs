// Bundles the CLI into dist/ with esbuild: one file loads in about half the time of many
// (FACTS.md). The TUI and the database/Supabase clients are split into chunks loaded on first use.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // `session` is the evidence chain as a library, for scripts and for tests that run it in a child process.
  entryPoints: { cli: 'src/cli.ts', session: 'src/session/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  // Ink imports react-devtools-core only when DEV is set; keep it out of the bundle.
  alias: { 'react-devtools-core': './scripts/stub-devtools.mjs' },
  // Optional native addons that are never installed; PGlite loads its WASM and extension files from
  // beside its own module, so it stays in node_modules; so do the guards' parsers (libpg-query, sh-syntax).
  external: ['pg-native', 'bufferutil', 'utf-8-validate', '@electric-sql/pglite', '@electric-sql/pglite/*', '@electric-sql/pglite-socket', 'libpg-query', 'sh-syntax'],
  // Bundled CommonJS packages (pg, ws) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
