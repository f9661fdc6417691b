import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SEED } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-list-'));
});

function expectOneSentenceError(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('runbook list', () => {
  it('prints the model of DESIGN.md as JSON, with nothing on stderr', () => {
    const result = runCli(['list', SEED, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const model = JSON.parse(result.stdout);
    expect(model.title).toBe('Supabase Operations Runbook');
    expect(Object.keys(model.sections[0]).sort()).toEqual(['id', 'level', 'line', 'sections', 'steps', 'title']);
    expect(Object.keys(model.sections[0].steps[0]).sort()).toEqual(['actions', 'id', 'line', 'steps', 'text']);
    const rls = model.sections[7].sections[1];
    expect(rls.steps[1].steps[0].actions).toEqual([
      { kind: 'sql', code: "select * from pg_policies where tablename = '...'", line: 84, placeholders: ['tablename'] },
    ]);
  });

  it('prints a tree for people: numbered steps, action kinds, placeholders and lines', () => {
    const result = runCli(['list', SEED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Supabase Operations Runbook');
    expect(result.stdout).toMatch(/### RLS Misconfiguration .*L81/);
    expect(result.stdout).toMatch(/2\.1\. Audit affected table policies .* {2}L84/);
    expect(result.stdout).toMatch(/▸ sql +select \* from pg_policies where tablename = '\.\.\.' +needs: tablename +L84/);
    expect(result.stdout).toMatch(/▸ shell +supabase db dump --project-ref <ref> +needs: ref +L65/);
  });

  it('highlights placeholders in colour when asked, and never when NO_COLOR is set', () => {
    const colored = runCli(['list', SEED], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(colored.stdout).toContain('\u001b[33m\u001b[1m<ref>');
    expect(runCli(['list', SEED]).stdout).not.toContain('\u001b[');
  });

  it('lists every runbook of a folder', () => {
    mkdirSync(join(dir, 'alerts/db'), { recursive: true });
    mkdirSync(join(dir, 'alerts/node_modules'), { recursive: true });
    writeFileSync(join(dir, 'alerts/db/disk-full.md'), '# Disk full\n## Fix\n- `df -h`\n');
    writeFileSync(join(dir, 'alerts/api-down.md'), '# API down\n## Check\n- `kubectl get pods -n api`\n');
    writeFileSync(join(dir, 'alerts/node_modules/x.md'), '# not mine\n');
    const result = runCli(['list', join(dir, 'alerts'), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).map((r: { title: string }) => r.title)).toEqual(['API down', 'Disk full']);
  });

  it('answers --help and --version, on the program and on list', () => {
    expect(runCli(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('list') });
    expect(runCli(['list', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('--json') });
    expect(runCli(['--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(runCli(['list', '--version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
  });
});

describe('bad input gets one clear sentence and exit 2', () => {
  it('a missing file', () => expectOneSentenceError(runCli(['list', join(dir, 'nope.md')]), /No such file or directory: .*nope\.md/));
  it('a missing argument', () => expectOneSentenceError(runCli(['list']), /missing required argument 'file'/));
  it('an unknown option', () => expectOneSentenceError(runCli(['list', SEED, '--jsn']), /unknown option '--jsn'/));
  it('a folder with no runbooks', () => {
    mkdirSync(join(dir, 'empty'));
    expectOneSentenceError(runCli(['list', join(dir, 'empty')]), /No Markdown runbooks/);
  });
  it('a binary file', () => {
    writeFileSync(join(dir, 'image.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    expectOneSentenceError(runCli(['list', join(dir, 'image.md')]), /binary file/);
  });
  it('invalid UTF-8, saying where', () => {
    writeFileSync(join(dir, 'latin1.md'), Buffer.concat([Buffer.from('# T\n## S\n- caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expectOneSentenceError(runCli(['list', join(dir, 'latin1.md')]), /not valid UTF-8 text \(first bad byte on line 3\)/);
  });
  it('a 50 MB file, refused at once', () => {
    const big = join(dir, 'big.md');
    writeFileSync(big, Buffer.alloc(50 * 1024 * 1024, '- step `kubectl get pods`\n'));
    expectOneSentenceError(runCli(['list', big]), /is 50\.0 MB; a runbook larger than 8\.0 MB is refused/);
  });
});

describe('odd but valid input gets a sensible model', () => {
  it('an empty file', () => {
    writeFileSync(join(dir, 'empty.md'), '');
    const result = runCli(['list', join(dir, 'empty.md'), '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ title: 'empty', sections: [] });
  });

  it('1,000-deep nesting of lists and quotes, nothing dropped', () => {
    const lists = ['# Deep', '## S', ...Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(i)}- level ${i} \`kubectl get pods\``)].join('\n');
    writeFileSync(join(dir, 'lists.md'), lists);
    const result = runCli(['list', join(dir, 'lists.md'), '--json']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    let step = JSON.parse(result.stdout).sections[0].steps[0];
    let depth = 1;
    while (step.steps.length) {
      expect(step.actions).toHaveLength(1);
      step = step.steps[0];
      depth++;
    }
    expect(depth).toBe(1000);
    expect(step.text).toBe('level 999 `kubectl get pods`');

    writeFileSync(join(dir, 'quotes.md'), `# Deep\n## Q\n${'>'.repeat(1000)} \`kubectl get ns\`\n`);
    const quoted = runCli(['list', join(dir, 'quotes.md'), '--json']);
    expect(quoted).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(quoted.stdout).sections[0].steps[0].actions[0].code).toBe('kubectl get ns');
  });

  it('nesting thousands of levels deep is refused in one sentence', () => {
    writeFileSync(join(dir, 'abyss.md'), `# D\n## Q\n${'>'.repeat(20000)} x\n`);
    expectOneSentenceError(runCli(['list', join(dir, 'abyss.md')]), /nests lists or quotes too deeply/);
  });
});
