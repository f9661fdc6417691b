// Capturing what a shell action exports, without changing what it prints, its status or its lines.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CarriedVariables, exportedChanges, parseNulEnvironment, variablesStillNeeded, wrapForExports, type ExportCapture } from '../../src/exec/exports.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions } from '../../src/runbook/walk.js';

const tempDir = mkdtempSync(join(tmpdir(), 'runbook-exports-test-'));
const baseEnv: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir, LANG: 'C.UTF-8', OLD: 'kept' };
const captures: ExportCapture[] = [];
afterEach(() => captures.splice(0).forEach((c) => c.cleanup()));

/** Run code the way the shell runner does: bash -c with stderr merged into stdout. */
function bash(code: string, env = baseEnv) {
  const r = spawnSync('bash', ['-c', `exec 2>&1; ${code}`], { env, encoding: 'utf8', cwd: tempDir });
  return { output: r.stdout, status: r.status };
}

function runWrapped(code: string, env = baseEnv) {
  const capture = wrapForExports(code, { tempDir });
  captures.push(capture);
  const result = bash(capture.code, env);
  const after = capture.read();
  return { ...result, after, changes: after ? exportedChanges(env, after) : null };
}

describe('wrapForExports', () => {
  const scripts = [
    'echo one; echo two >&2; printf "no newline"',
    'echo "line $LINENO"\nfalse\necho "line $LINENO"; exit 7',
    'set -e\nexport A=1\nfalse\necho never',
    'nosuchcommand --flag\necho "status $?"',
    'trap - EXIT 2>/dev/null; echo "$0" "$#"',
  ];
  it.each(scripts)('leaves output, exit status and line numbers as they were: %j', (code) => {
    const plain = bash(code);
    const wrapped = runWrapped(code);
    expect(wrapped.output).toBe(plain.output);
    expect(wrapped.status).toBe(plain.status);
  });

  it('captures what the action exported, values of any shape included', () => {
    const { changes, status } = runWrapped([
      'export NAMESPACE=$(echo openshift-logging)',
      `export MULTI=$'first\\nsecond' QUOTES="a \\"b\\" 'c'"`,
      'export EQUALS="k=v=w" EMPTY= UNICODE="ünï 日本"',
      'LOCAL_ONLY=not-exported',
      'declare -x DECLARED=yes',
    ].join('\n'));
    expect(status).toBe(0);
    expect(changes).toEqual({
      set: { NAMESPACE: 'openshift-logging', MULTI: 'first\nsecond', QUOTES: 'a "b" \'c\'', EQUALS: 'k=v=w', EMPTY: '', UNICODE: 'ünï 日本', DECLARED: 'yes' },
      unset: [],
    });
  });

  it('captures on exit n and under set -e, with the status kept', () => {
    expect(runWrapped('export A=1; exit 3; export B=2')).toMatchObject({ status: 3, changes: { set: { A: '1' } } });
    const failed = runWrapped('set -e; export A=1; false; export B=2');
    expect(failed.status).toBe(1);
    expect(failed.changes!.set).toEqual({ A: '1' });
  });

  it('reports what the action unset or stopped exporting, and ignores what bash sets itself', () => {
    const { changes } = runWrapped('cd /; unset OLD; export HOME_COPY="$HOME"; export -n HOME');
    expect(changes).toEqual({ set: { HOME_COPY: tempDir }, unset: ['HOME', 'OLD'] });
  });

  it('does not capture exports of a subshell or a pipeline stage, as a terminal would not keep them', () => {
    expect(runWrapped('(export SUB=1); echo x | { export PIPE=1; cat; }').changes).toEqual({ set: {}, unset: [] });
  });

  it('is not fooled by a function named env, noclobber, or an exported function', () => {
    const { changes, output } = runWrapped('env() { echo fake; }; set -o noclobber; f() { :; }; export -f f; export REAL=1; env');
    expect(output).toBe('fake\n');
    expect(changes!.set).toEqual({ REAL: '1' });
  });

  it('gives null, never a wrong value, when the action replaces the EXIT trap', () => {
    const { output, after } = runWrapped('trap "echo own trap" EXIT; export A=1');
    expect(output).toBe('own trap\n');
    expect(after).toBeNull();
  });

  it('gives null when the shell is killed, and cleanup removes its folder', async () => {
    const capture = wrapForExports('export A=1; echo ready; sleep 30', { tempDir });
    captures.push(capture);
    const child = spawn('bash', ['-c', capture.code], { env: baseEnv });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(capture.read()).toBeNull();
    const dir = capture.code.match(/'([^']*runbook-exports-[^/']+)\//)![1]!;
    expect(existsSync(dir)).toBe(true);
    capture.cleanup();
    expect(existsSync(dir)).toBe(false);
  });

  it('captures a 1 MB value whole (no env process that E2BIG would stop) and never reads a short dump as everything unset', () => {
    const { changes, status } = runWrapped("export BIG=$(head -c 1048576 /dev/zero | tr '\\0' x) A=1");
    expect(status).toBe(0);
    expect(changes!.set.BIG).toHaveLength(1048576);
    expect(changes!.set.A).toBe('1');
    expect(changes!.unset).toEqual([]);
  });

  it('keeps xtrace, set -u and an odd IFS out of the dump and the output', () => {
    const code = 'set -xu; IFS=x; declare -x DECLARED_ONLY; export A=1; echo done';
    const wrapped = runWrapped(code);
    expect(wrapped.output).toBe(bash(code).output);
    expect(wrapped.changes).toEqual({ set: { A: '1' }, unset: [] });
  });

  it('is not stopped by a TMPDIR that cannot be written, and reads a dump cut short as no dump, never as everything unset', () => {
    expect(runWrapped('export TMPDIR=/nonexistent/tmp A=1; echo ok').changes!.set).toEqual({ TMPDIR: '/nonexistent/tmp', A: '1' });
    // A dump without its end mark (cut short by a full disk, say) is no dump.
    const file = (c: ExportCapture) => join(c.code.match(/'([^']*runbook-exports-[^/']+)\//)![1]!, 'env');
    const capture = wrapForExports('export A=1', { tempDir });
    captures.push(capture);
    bash(capture.code);
    expect(capture.read()).toEqual(expect.objectContaining({ A: '1' }));
    writeFileSync(file(capture), 'OLD=kept\0');
    expect(capture.read()).toBeNull();
  });

  it('reads a value that is not UTF-8 as text with U+FFFD, so it can be told apart and left uncarried', () => {
    expect(runWrapped("export JUNK=$(printf 'a\\xffb')").changes!.set.JUNK).toBe('a\uFFFDb');
  });

  it('parses env -0 output exactly and skips names that are not variables', () => {
    expect(parseNulEnvironment('A=1\0B=x=y\0BASH_FUNC_f%%=() {  :\n}\0C=\0=odd\0')).toEqual({ A: '1', B: 'x=y', C: '' });
  });
});

describe('variables carried from step to step', () => {
  const runbook = parseRunbook([
    '## Fix',
    '1. Find the namespace:',
    '   ```bash',
    '   export NAMESPACE=$(oc get ns -l tenant=blue -o name | cut -d/ -f2)',
    '   ```',
    '2. Look at it: `oc -n $NAMESPACE get pods -l app=$APP`',
    '3. Its own: `for p in $(oc get pods -o name); do echo $p; done`',
  ].join('\n'));
  const [first, second, third] = allActions(runbook).map(({ step, action }, i) => ({ id: `${step.id}#${i + 1}`, action }));

  it('asks a later action only for what nothing earlier set, and says where each value came from', () => {
    const carried = new CarriedVariables();
    expect(carried.stillNeeded(second!.action)).toEqual(['NAMESPACE', 'APP']);
    const { changes } = runWrapped(first!.action.code.replace('$(oc get ns -l tenant=blue -o name | cut -d/ -f2)', 'blue'));
    carried.record(first!.id, changes!);
    expect(carried.stillNeeded(second!.action)).toEqual(['APP']);
    expect(carried.stillNeeded(second!.action, ['APP'])).toEqual([]);
    expect(carried.values()).toEqual({ NAMESPACE: 'blue' });
    expect(carried.origins()).toEqual({ NAMESPACE: 'fix/1#1' });
    expect(variablesStillNeeded(third!.action, [])).toEqual([]);
  });

  it('forgets a variable a later action unset, and keeps the latest value and its origin', () => {
    const carried = new CarriedVariables();
    carried.record('a/1#1', { set: { NAMESPACE: 'one', TOKEN: 't' }, unset: [] });
    carried.record('a/2#1', { set: { NAMESPACE: 'two' }, unset: ['TOKEN'] });
    expect(carried.get('NAMESPACE')).toEqual({ value: 'two', from: 'a/2#1' });
    expect(carried.get('TOKEN')).toBeUndefined();
  });
});
