// Loading a folder of runbooks: in order, a batch at a time, every bad file one sentence and never a
// hang or a crash of the whole folder; summaries cache first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { listCommand } from '../../src/commands/list.js';
import { makeStyle } from '../../src/format/style.js';
import { renderSummary } from '../../src/format/tree.js';
import { writeCachedModel } from '../../src/runbook/cache.js';
import { findRunbookFiles, loadRunbook } from '../../src/runbook/load.js';
import { loadRunbooks, loadRunbooksInBatches, summarizeRunbooks, type LoadOutcome, type RunbookSummary } from '../../src/runbook/loadMany.js';

const runbook = (i: number) => `# Alert ${i}\n\n## Check\n\n- \`kubectl get pods -n ns-${i}\`\n  - sub-step\n- [ ] second\n\n## Fix\n\n\`\`\`sql\nselect * from t where id = ${i};\n\`\`\`\n`;

function folder(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-many-'));
  for (let i = 0; i < count; i++) {
    mkdirSync(join(dir, `team-${i % 3}`), { recursive: true });
    writeFileSync(join(dir, `team-${i % 3}`, `alert-${String(i).padStart(3, '0')}.md`), runbook(i));
  }
  return dir;
}

class Collect extends Writable {
  text = '';
  writes = 0;
  override _write(chunk: Buffer, _: BufferEncoding, done: () => void) {
    this.text += chunk.toString('utf8');
    this.writes++;
    done();
  }
}

describe('loading a folder a batch at a time', () => {
  it('hands every file over once, in the folder order, one batch per turn when the budget is spent', async () => {
    const files = await findRunbookFiles(folder(12), () => undefined);
    const batches: LoadOutcome[][] = [];
    await loadRunbooksInBatches(files, (batch) => void batches.push(batch), { budgetMs: 0 });
    expect(batches).toHaveLength(12);
    expect(batches.flat().map((o) => o.file)).toEqual(files);
    expect(batches.flat().map((o) => ('loaded' in o ? o.loaded.runbook.title : o.problem))).toEqual(files.map((f) => `Alert ${Number(basename(f).slice(6, 9))}`));
  });

  it('loads nothing more while the caller holds it between batches', async () => {
    const files = await findRunbookFiles(folder(5), () => undefined);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const seen: string[] = [];
    let waits = 0;
    const done = loadRunbooksInBatches(files, (batch) => void seen.push(...batch.map((o) => o.file)), { budgetMs: 0, between: () => (waits++ === 0 ? held : Promise.resolve()) });
    await vi.waitFor(() => expect(waits).toBe(1));
    // However long the hold lasts, the first file is all that was read.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([files[0]]);
    release();
    await done;
    expect(seen).toEqual(files);
  });

  it('makes each bad file one sentence and goes on: binary, invalid UTF-8, too large, gone, a directory, a FIFO', async () => {
    const dir = folder(3);
    const bad = {
      binary: join(dir, 'binary.md'),
      latin1: join(dir, 'latin1.md'),
      huge: join(dir, 'huge.md'),
      gone: join(dir, 'gone.md'),
      folder: join(dir, 'folder.md'),
      fifo: join(dir, 'fifo.md'),
    };
    writeFileSync(bad.binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    writeFileSync(bad.latin1, Buffer.concat([Buffer.from('# T\n- caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    writeFileSync(bad.huge, Buffer.alloc(9 * 1024 * 1024, 'x'));
    mkdirSync(bad.folder);
    const fifo = spawnSync('mkfifo', [bad.fifo]).status === 0;
    const files = [...(await findRunbookFiles(dir, () => undefined)), bad.gone, bad.folder, ...(fifo ? [bad.fifo] : [])];
    const outcomes = await loadRunbooks(files);
    expect(outcomes.map((o) => o.file)).toEqual(files);
    const problem = (file: string) => {
      const found = outcomes.find((o) => o.file === file);
      return found && 'problem' in found ? found.problem : undefined;
    };
    expect(problem(bad.binary)).toMatch(/is a binary file/);
    expect(problem(bad.latin1)).toMatch(/not valid UTF-8 text \(first bad byte on line 2\)/);
    expect(problem(bad.huge)).toMatch(/is 9\.0 MB; a runbook larger than 8\.0 MB is refused/);
    expect(problem(bad.gone)).toMatch(/No such file or directory/);
    expect(problem(bad.folder)).toMatch(/is a directory/);
    // A FIFO would block a synchronous read forever: it is refused without being opened for reading.
    if (fifo) expect(problem(bad.fifo)).toMatch(/is not a regular file/);
    for (const o of outcomes) if ('problem' in o) expect(o.problem.split('\n')).toHaveLength(1);
    expect(outcomes.filter((o) => 'loaded' in o)).toHaveLength(3);
  });

  it('never follows a symlinked runbook or folder out of the tree (the walk lists regular files only)', async () => {
    const dir = folder(2);
    const outside = mkdtempSync(join(tmpdir(), 'runbook-outside-'));
    writeFileSync(join(outside, 'elsewhere.md'), runbook(99));
    symlinkSync(join(outside, 'elsewhere.md'), join(dir, 'link.md'));
    symlinkSync(outside, join(dir, 'linked-folder'));
    const files = await findRunbookFiles(dir, () => undefined);
    expect(files.every((f) => !f.includes('link'))).toBe(true);
    expect(files).toHaveLength(2);
  });
});

describe('summaries for the picker', () => {
  it('describes the files the cache knows first, then parses the rest, and counts sections and steps', async () => {
    const dir = folder(6);
    const files = await findRunbookFiles(dir, () => undefined);
    const cache = { env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'runbook-cache-')) }, parserId: 'test-parser' };
    // Files 2 and 4 were opened before: the cache answers for them (the title says so).
    for (const i of [2, 4]) {
      const { runbook: model } = await loadRunbook(files[i]!);
      writeCachedModel(readFileSync(files[i]!), basename(files[i]!), { ...model, title: `cached ${i}` }, cache.env, cache.parserId);
    }
    const seen: RunbookSummary[] = [];
    await summarizeRunbooks(files, (batch) => void seen.push(...batch), { budgetMs: 0, cache });
    expect(seen.map((s) => ('title' in s ? s.title : s.problem)).slice(0, 2)).toEqual(['cached 2', 'cached 4']);
    expect(seen.map((s) => s.file).sort()).toEqual([...files].sort());
    expect(seen[2]).toEqual({ file: files[0], title: expect.stringMatching(/^Alert \d+$/), sections: 2, steps: 4 });
    // What was parsed is cached now: a second pass parses nothing.
    const again: RunbookSummary[] = [];
    await summarizeRunbooks(files, (batch) => void again.push(...batch), { cache });
    expect(again.map((s) => s.file)).toEqual(files);
  });

  it('turns a file that fails into a one-line problem in its place, never a throw', async () => {
    const dir = folder(2);
    writeFileSync(join(dir, 'abyss.md'), `# D\n## Q\n${'>'.repeat(20000)} x\n`);
    writeFileSync(join(dir, 'bin.md'), Buffer.from([0, 1, 2]));
    const files = await findRunbookFiles(dir, () => undefined);
    const seen: RunbookSummary[] = [];
    await summarizeRunbooks(files, (batch) => void seen.push(...batch));
    const problems = seen.filter((s) => 'problem' in s) as Array<{ file: string; problem: string }>;
    expect(problems.map((p) => basename(p.file)).sort()).toEqual(['abyss.md', 'bin.md']);
    expect(problems.find((p) => p.file.endsWith('abyss.md'))!.problem).toMatch(/nests lists or quotes too deeply/);
    for (const p of problems) expect(p.problem).not.toContain('\n');
  });
});

describe('list DIR --json, written a batch at a time', () => {
  it('prints exactly what one JSON.stringify of the whole array printed, and the same tree text', async () => {
    // Parsed with no cache, 120 files take longer than one batch's budget: the text is joined from batches.
    const dir = folder(120);
    const files = await findRunbookFiles(dir, () => undefined);
    const models = [];
    for (const file of files) models.push({ file, ...(await loadRunbook(file)).runbook });
    const json = new Collect();
    await listCommand(dir, { json: true }, json);
    expect(json.writes).toBeGreaterThan(2);
    expect(json.text).toBe(JSON.stringify(models, null, 2) + '\n');
    const tree = new Collect();
    await listCommand(dir, {}, tree);
    expect(tree.text).toBe(models.map(({ file, ...model }) => renderSummary(model, file, makeStyle(false))).join('\n') + '\n');
  });

  it('skips bad files with a sentence on stderr and still prints valid JSON of the rest', async () => {
    const dir = folder(3);
    writeFileSync(join(dir, 'a-bin.md'), Buffer.from([0, 1, 2]));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = new Collect();
      await listCommand(dir, { json: true }, out);
      expect(JSON.parse(out.text).map((r: { title: string }) => r.title)).toHaveLength(3);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/runbook: skipped: .*a-bin\.md is a binary file/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('fails with one sentence when no file of the folder is a runbook, after printing an empty array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-many-'));
    writeFileSync(join(dir, 'x.md'), Buffer.from([0]));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const out = new Collect();
      await expect(listCommand(dir, { json: true }, out)).rejects.toThrow(/None of the 1 Markdown files/);
      expect(out.text).toBe('[]\n');
    } finally {
      stderr.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the parse cache under a folder load', () => {
  it('treats a truncated or foreign entry as a miss, and makes its folder again when it was removed meanwhile', async () => {
    const { readCachedModel } = await import('../../src/runbook/cache.js');
    const files = await findRunbookFiles(folder(3), () => undefined);
    const root = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    const cache = { env: { XDG_CACHE_HOME: root }, parserId: 'test-parser' };
    const titles = async () => (await loadRunbooks(files)).map((o) => ('loaded' in o ? o.loaded.runbook.title : o.problem));
    // Nothing cached yet: every file parsed and written.
    const expected = await titles();
    await loadRunbooksInBatches(files, () => undefined, { cache });
    const models = join(root, 'runbook', 'models');
    const bytes = readFileSync(files[0]!);
    expect(readCachedModel(bytes, basename(files[0]!), cache.env, cache.parserId)?.title).toBe(expected[0]);
    // A half-written entry (a crash mid-write) is a miss, never a wrong model.
    for (const name of readdirSync(models)) writeFileSync(join(models, name), '{"title":"trunc');
    const outcomes: LoadOutcome[] = [];
    await loadRunbooksInBatches(files, (batch) => void outcomes.push(...batch), { cache });
    expect(outcomes.map((o) => ('loaded' in o ? o.loaded.runbook.title : o.problem))).toEqual(expected);
    // The cache folder removed while the program runs: the next write makes it again.
    rmSync(root, { recursive: true, force: true });
    await loadRunbooksInBatches(files, () => undefined, { cache });
    await loadRunbooksInBatches(files, () => undefined, { cache });
    expect(readdirSync(models).filter((n) => n.endsWith('.json'))).toHaveLength(3);
    expect(readdirSync(models).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('the folder cache', () => {
  it('keeps a folder in one file with a line per runbook, follows changes, drops removed files, and survives damage', async () => {
    const { FolderCache } = await import('../../src/runbook/cache.js');
    const dir = folder(3);
    const root = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    const cache = { env: { XDG_CACHE_HOME: root }, parserId: 'test-parser' };
    const titles = async () => {
      const seen: string[] = [];
      await loadRunbooksInBatches(await findRunbookFiles(dir, () => undefined), (batch) => void seen.push(...batch.map((o) => ('loaded' in o ? o.loaded.runbook.title : o.problem))), { cache, folder: dir });
      return seen;
    };
    const packFile = () => {
      const folders = join(root, 'runbook', 'models', 'folders');
      const [name, ...more] = readdirSync(folders);
      expect(more).toEqual([]);
      return join(folders, name!);
    };
    const lines = () => readFileSync(packFile(), 'utf8').split('\n').filter(Boolean);
    expect(await titles()).toEqual(['Alert 0', 'Alert 1', 'Alert 2']);
    expect(lines()).toHaveLength(3);
    // Served from the folder's file: a line that says otherwise is believed (it is the cache, keyed by content).
    const files = await findRunbookFiles(dir, () => undefined);
    const folderCache = FolderCache.open(dir, cache.env, cache.parserId);
    expect(folderCache.get(readFileSync(files[1]!), basename(files[1]!))?.title).toBe('Alert 1');
    // A changed file misses and replaces its line; a removed one loses its line.
    writeFileSync(files[0]!, '# Changed\n## S\n- `df -h`\n');
    rmSync(files[2]!);
    expect(await titles()).toEqual(['Changed', 'Alert 1']);
    expect(lines()).toHaveLength(2);
    // A damaged file: every damaged line misses and is parsed again.
    writeFileSync(packFile(), lines().map((l) => l.slice(0, 80)).join('\n') + '\n\u0000garbage\n');
    expect(await titles()).toEqual(['Changed', 'Alert 1']);
    expect(lines().map((l) => JSON.parse(l.slice(65)).title)).toEqual(['Changed', 'Alert 1']);
  });

  it('is not written again when nothing changed', async () => {
    const dir = folder(2);
    const root = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    const cache = { env: { XDG_CACHE_HOME: root }, parserId: 'test-parser' };
    const files = await findRunbookFiles(dir, () => undefined);
    await loadRunbooksInBatches(files, () => undefined, { cache, folder: dir });
    const folders = join(root, 'runbook', 'models', 'folders');
    const path = join(folders, readdirSync(folders)[0]!);
    const first = statSync(path).ino;
    await loadRunbooksInBatches(files, () => undefined, { cache, folder: dir });
    // A rewrite renames a new file into place: the same inode means it was left alone.
    expect(statSync(path).ino).toBe(first);
    writeFileSync(files[1]!, '# New\n');
    await loadRunbooksInBatches(files, () => undefined, { cache, folder: dir });
    expect(statSync(path).ino).not.toBe(first);
  });
});
