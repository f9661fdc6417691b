// The navigator's first frame loads only what it draws: the runners, guards, parsers, the session log
// and its signing, the team store and the argument parser load after it. Checked in a real terminal
// with a trace of every module file the process loads, mapped to its sources by the build's metafile.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, SEED } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';
import { openTerminal, type Terminal } from '../helpers/terminal.js';

let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

/** Sources the first frame must not load, however they come in. */
const OFF_THE_FIRST_FRAME: Array<[string, RegExp]> = [
  ['the argument parser', /node_modules\/commander\//],
  ['the Markdown parser (the parse cache hits)', /node_modules\/(markdown-it|linkify-it|entities|mdurl)\/|src\/runbook\/parse\.ts$/],
  ['YAML', /node_modules\/yaml\//],
  ['the guard parsers', /node_modules\/(libpg-query|sh-syntax)\/|src\/exec\/guard\//],
  ['the process runner', /node_modules\/(execa|cross-spawn|human-signals)\//],
  ['the database and Supabase clients', /node_modules\/(pg|pg-cursor|pg-copy-streams|pg-protocol|@supabase\/[^/]+|@electric-sql\/[^/]+|ws|postgrator)\//],
  ['zustand middlewares', /node_modules\/zustand\/.*middleware/],
  ['the runners', /src\/exec\/(run|shell|sql|supabase|needsDatabase)\.ts$|src\/sandbox\//],
  ['the session controller, log writer and signing', /src\/session\/(controller|session|signer|keys|sshsig|sshwire|agent|secrets|verify|runbookChanges)\.ts$/],
  ['the team store and reports', /src\/(store|report|notify)\//],
];

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/** Each source the process loaded, split at the first frame. */
function sourcesAroundFirstFrame(trace: string): { before: Set<string>; after: Set<string> } {
  const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as Metafile;
  const lines = trace.split('\n').filter(Boolean);
  const frame = lines.indexOf('FRAME');
  expect(frame, 'the trace marks the first frame').toBeGreaterThan(0);
  const sources = (urls: string[]) => {
    const found = new Set<string>();
    for (const url of urls) {
      if (!url.startsWith('file://')) continue;
      const path = decodeURIComponent(new URL(url).pathname);
      const output = path.startsWith(ROOT) ? meta.outputs[path.slice(ROOT.length)] : undefined;
      // A bundled chunk stands for its sources; anything loaded from outside dist/ (an external package) for itself.
      if (output) for (const input of Object.keys(output.inputs)) found.add(input);
      else found.add(path);
    }
    return found;
  };
  return { before: sources(lines.slice(0, frame)), after: sources(lines.slice(frame + 1)) };
}

describe('the first frame', () => {
  it('loads none of the runners, guards, parsers, session log or store code, and they load right after it', async () => {
    expect(existsSync(join(ROOT, 'dist/meta.json')), 'npm run build writes dist/meta.json').toBe(true);
    const home = freshHome();
    const traceLog = join(home.root, 'trace.log');
    const env: Record<string, string | undefined> = { ...(home.env as Record<string, string>), XDG_CACHE_HOME: join(home.root, 'cache'), DATABASE_URL: undefined, MODULE_TRACE_LOG: traceLog, MODULE_TRACE_MARKER: 'quit' };
    const traced = `node --import ${join(ROOT, 'test/helpers/moduleTrace.mjs')} ${BIN} ${SEED}`;

    // A first start parses the runbook (the Markdown parser loads) and fills the parse cache.
    terminal = openTerminal(traced, env, undefined, home.root);
    await terminal.waitFor('Escalation Matrix');
    terminal.close();
    const cold = sourcesAroundFirstFrame(readFileSync(traceLog, 'utf8'));
    expect([...cold.before].some((s) => /node_modules\/markdown-it\//.test(s)), 'a cache miss parses, so the trace can see a module load').toBe(true);

    // The second start is the one measured: the cache hits.
    env.MODULE_TRACE_LOG = join(home.root, 'trace2.log');
    terminal = openTerminal(traced, env, undefined, home.root);
    await terminal.waitFor('Escalation Matrix');
    // The rest loads right after the first frame, before the first key needs it.
    const deadline = Date.now() + 15_000;
    let trace = '';
    while (Date.now() < deadline && !sourcesAroundFirstFrame((trace = readFileSync(env.MODULE_TRACE_LOG!, 'utf8'))).after.has('src/session/controller.ts')) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const { before, after } = sourcesAroundFirstFrame(trace);
    expect(after).toContain('src/session/controller.ts');
    expect(before).toContain('src/app.tsx');
    for (const [what, pattern] of OFF_THE_FIRST_FRAME) {
      expect([...before].filter((s) => pattern.test(s)), `${what} loaded before the first frame`).toEqual([]);
    }
    // And the keys typed right at the first frame reach the real screen, in order.
    terminal.type('jjj');
    await terminal.waitFor(/❯ +Tooling & References/);
  });
});
