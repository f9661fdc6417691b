import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/session/redact.js';

function redactStreamed(text: string): string {
  const redactor = new Redactor({ knownSecrets: ['hunter2-known'] });
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length; i += 65536) parts.push(redactor.write(text.slice(i, i + 65536)));
  parts.push(redactor.end());
  return Buffer.concat(parts).toString('latin1');
}

describe('redaction on adversarial long lines', () => {
  // The timeout guards against a hang (the `--flag value` hint used to rescan every run of dashes).
  it('a 10 MB line of dashes is passed through unchanged and the redactor does not hang', { timeout: 60_000 }, () => {
    const text = '-'.repeat(10 * 1024 * 1024);
    expect(redactStreamed(text)).toBe(text);
  });

  it('a long line of dashes ending in a secret flag still redacts the flag', { timeout: 60_000 }, () => {
    const out = redactStreamed(`${'-'.repeat(200_000)} --password hunter2flag\n`);
    expect(out).not.toContain('hunter2flag');
  });
});

describe('redaction of escaped forms', () => {
  it('a URL password in JSON with escaped slashes (`postgres:\\/\\/user:pw@host`)', () => {
    const out = redactStreamed('{"url":"postgres:\\/\\/app:hunter2json@db\\/app"}\n');
    expect(out).not.toContain('hunter2json');
    expect(out).toContain('app:[REDACTED:url-password]@db');
  });
});
