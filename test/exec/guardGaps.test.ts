// Programs the guard counted as reads that change something with the right arguments, found by the
// run-path attacker: each must be a write (refused without permission); the read forms stay reads.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { judgeAction } from '../../src/exec/guard/judge.js';
import { makeAction } from '../../src/runbook/parse.js';

const env = resolveEnvironment({ cwd: tmpdir(), processEnv: { HOME: tmpdir() } });
const tierOf = async (code: string) => (await judgeAction(makeAction('shell', code, 1), env, {})).tier;

describe('read programs whose arguments make them write', () => {
  it.each([
    'ip link set dev eth0 down',
    'ip route flush table main',
    'ip addr del 10.0.0.5/24 dev eth0',
    'ip -batch changes.txt',
    'ifconfig eth0 down',
    'hostname evil',
    'hostname -F /etc/hostname',
    'date -s "2020-01-01 00:00"',
    'date 010100002020',
    'date -us "2020-01-01"',
    'gunzip backup.sql.gz',
    'yq -i ".replicas = 0" deploy.yaml',
    'git log --output=/tmp/x',
    'git diff --output /tmp/x',
    'openssl req -new -key k.pem -out csr.pem',
    'awk -f prog.awk access.log',
    'gawk -i inplace "{ print }" f',
    'curl -K cfg https://example.com',
    'curl --config=cfg https://example.com',
    'curl --trace /tmp/t https://example.com',
    'strace -o /tmp/trace ls',
    'sort --compress-program=./x big.txt',
    'CURL_HOME=. curl -s https://example.com',
    'export OPENSSL_CONF=./engine.cnf; openssl version',
    'env AWS_CONFIG_FILE=./cfg aws s3 ls',
  ])('%s is a write', async (code) => {
    expect(await tierOf(code)).toBe('write');
  });

  it.each([
    'ip addr show',
    'ip -4 route get 1.1.1.1',
    'ip link show up',
    'ifconfig eth0',
    'hostname -f',
    'date -u +%FT%TZ',
    'date -d "2 days ago" +%F',
    'date -r /etc/hostname',
    'date -Iseconds',
    'date --iso-8601=seconds',
    'gunzip -c backup.sql.gz',
    'gunzip < backup.sql.gz | head',
    'yq ".replicas" deploy.yaml',
    'git log --oneline -5',
    'openssl x509 -in cert.pem -noout -dates',
    'awk "{ print $1 }" access.log',
    'curl -s https://example.com/health',
  ])('%s stays a read', async (code) => {
    expect(await tierOf(code)).toBe('read');
  });

  it('git log --output really writes a file (why it is a write)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-git-'));
    const gitEnv = { ...process.env, HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b' };
    execFileSync('git', ['init', '-q', dir], { env: gitEnv });
    writeFileSync(join(dir, 'f'), 'x\n');
    execFileSync('git', ['-C', dir, 'add', 'f'], { env: gitEnv });
    execFileSync('git', ['-C', dir, 'commit', '-qm', 'c'], { env: gitEnv });
    spawnSync('git', ['-C', dir, 'log', `--output=${join(dir, 'written')}`], { env: gitEnv });
    expect(existsSync(join(dir, 'written'))).toBe(true);
    expect(readFileSync(join(dir, 'written'), 'utf8')).toMatch(/commit/);
  });
});
