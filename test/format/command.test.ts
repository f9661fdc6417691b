// Printed commands run as printed: `npx runbook …` after npm ci or through npx, `runbook …` when the
// runbook on PATH is this program.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectLauncher, runbookCommand } from '../../src/format/command.js';
import { BIN } from '../helpers/cli.js';
import { fixedKey, fixedSession, sealWith } from '../helpers/fixedSessions.js';

const clean = (env: NodeJS.ProcessEnv) => {
  const out = { ...env };
  delete out.npm_command;
  delete out.npm_lifecycle_event;
  return out;
};

describe('detectLauncher', () => {
  it('is npx under npm exec, or when started from a node_modules/.bin launcher', () => {
    expect(detectLauncher(['node', '/x/bin/runbook.js'], { npm_command: 'exec', PATH: '' })).toBe('npx');
    expect(detectLauncher(['node', '/x/bin/runbook.js'], { npm_lifecycle_event: 'npx', PATH: '' })).toBe('npx');
    expect(detectLauncher(['node', '/proj/node_modules/.bin/runbook'], { PATH: '' })).toBe('npx');
  });

  it('is global only when the runbook on PATH is this very program', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-launcher-'));
    mkdirSync(join(dir, 'bin'));
    symlinkSync(BIN, join(dir, 'bin', 'runbook'));
    expect(detectLauncher(['node', join(dir, 'bin', 'runbook')], { PATH: join(dir, 'bin') })).toBe('global');
    // Another runbook on PATH (another install) does not make this one global.
    mkdirSync(join(dir, 'other'));
    symlinkSync('/bin/true', join(dir, 'other', 'runbook'));
    expect(detectLauncher(['node', BIN], { PATH: join(dir, 'other') })).toBe('npx');
    expect(detectLauncher(['node', BIN], { PATH: '' })).toBe('npx');
    expect(runbookCommand('verify X', 'global')).toBe('runbook verify X');
    expect(runbookCommand('verify X', 'npx')).toBe('npx runbook verify X');
  });
});

describe('printed commands, end to end', () => {
  let sessionDir: string;
  let allowed: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-printed-'));
    const key = fixedKey(join(dir, 'keys'));
    allowed = key.allowedSigners;
    const s = fixedSession(join(dir, 'sessions'), '20261124-031000-printed-0001', { kind: 'routine' });
    await sealWith(s, key.keyPath, process.env);
    sessionDir = s.dir;
  });

  const verifyLine = (stdout: string) => stdout.split('\n').find((l) => / verify 20261124-031000-printed-0001$/.test(l));

  it('prints runbook … when started as the runbook on PATH (a global install)', () => {
    mkdirSync(join(dir, 'global-bin'), { recursive: true });
    symlinkSync(BIN, join(dir, 'global-bin', 'runbook'));
    const env = { ...clean(process.env), PATH: `${join(dir, 'global-bin')}${delimiter}${process.env.PATH}`, NO_COLOR: '1' };
    const out = spawnSync('runbook', ['report', sessionDir, '--allowed-signers', allowed], { env, encoding: 'utf8', cwd: dir });
    expect(out.status, out.stderr).toBe(0);
    expect(verifyLine(out.stdout)).toBe('runbook verify 20261124-031000-printed-0001');
  });

  it('prints npx runbook … when started from node_modules/.bin (after npm ci)', () => {
    mkdirSync(join(dir, 'project', 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BIN, join(dir, 'project', 'node_modules', '.bin', 'runbook'));
    const env = { ...clean(process.env), NO_COLOR: '1' };
    const out = spawnSync(join(dir, 'project', 'node_modules', '.bin', 'runbook'), ['report', sessionDir, '--allowed-signers', allowed], { env, encoding: 'utf8', cwd: join(dir, 'project') });
    expect(out.status, out.stderr).toBe(0);
    expect(verifyLine(out.stdout)).toBe('npx runbook verify 20261124-031000-printed-0001');
  });
});
