import { fileURLToPath } from 'node:url';

const fasterInkOutput = fileURLToPath(new URL('../src/ink/ansiTokenize.ts', import.meta.url));
const fasterStringWidth = fileURLToPath(new URL('../src/ink/stringWidth.ts', import.meta.url));

/**
 * Ink's output.js gets src/ink/ansiTokenize.ts, the same functions with a cheaper row join, and Ink's
 * string-width (8.x, not the 7.x wrap-ansi keeps) gets src/ink/stringWidth.ts, the same widths without
 * the emoji regular expression for common characters (see there; both are tested against the originals).
 */
const inkOutputPlugin = {
  name: 'ink-output',
  setup(build) {
    build.onResolve({ filter: /^@alcalzone\/ansi-tokenize$/ }, (args) => (args.importer === fasterInkOutput ? undefined : { path: fasterInkOutput }));
    build.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.importer === fasterStringWidth || args.pluginData === 'ink-output') return undefined;
      const real = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'ink-output' });
      return /node_modules\/string-width\/index\.js$/.test(real.path) && !/node_modules\/.+\/node_modules\/string-width\//.test(real.path) ? { path: fasterStringWidth } : real;
    });
  },
};

// esbuild flags shared by the CLI's build and the first-frame bench's floor (a bare Ink app), so the
// floor is bundled exactly the way the program is.
export const bundleOptions = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [inkOutputPlugin],
  // Bundled CommonJS packages (pg, ws) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

/** `define` for a production bundle; Ink imports react-devtools-core only when DEV is set, so it is stubbed. */
export function productionOptions(root) {
  return {
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': `${root}scripts/stub-devtools.mjs` },
  };
}
