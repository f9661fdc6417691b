import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSigner } from '../../src/session/signer.js';
import { runCli } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

describe('runbook keygen', () => {
  it('writes the key, its public half and the allowed_signers line, and refuses to overwrite without --force', () => {
    const { env, config } = freshHome();
    const first = runCli(['keygen', '--identity', 'mei@example.com'], { env });
    expect(first.code).toBe(0);
    const dir = join(config, 'runbook');
    expect(first.stdout).toContain(join(dir, 'signing_key'));
    expect(statSync(join(dir, 'signing_key')).mode & 0o777).toBe(0o600);
    const pub = readFileSync(join(dir, 'signing_key.pub'), 'utf8');
    expect(pub).toMatch(/^ssh-ed25519 AAAA\S+ mei@example.com\n$/);
    const again = runCli(['keygen'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists .* use --force/);
    expect(readFileSync(join(dir, 'signing_key.pub'), 'utf8')).toBe(pub);
    expect(runCli(['keygen', '--force', '--identity', 'mei@example.com'], { env }).code).toBe(0);
    // Both keys stay trusted: sessions sealed with the old one still verify.
    expect(readFileSync(join(dir, 'allowed_signers'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('creates a key for a first session that has none, and says where', () => {
    const { env, config } = freshHome();
    const { signer, created } = loadSigner({ create: true, env });
    expect(created?.files.key).toBe(join(config, 'runbook', 'signing_key'));
    expect(signer.identity).toBe('dana@example.com');
    expect(loadSigner({ create: true, env }).created).toBeUndefined();
  });

  it('refuses an identity with spaces', () => {
    const { env } = freshHome();
    const out = runCli(['keygen', '--identity', 'Dana Smith'], { env });
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/has spaces/);
  });
});
