// Redaction of streamed output, however the pipe cuts it: every secret shape split at every place, in
// small outputs and in large ones (the path a 50 MB command takes), gives what one whole pass gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor, redactString } from '../../src/session/redact.js';

const KNOWN = 'plain-looking-42';
// Fake secrets of every kind the redactor knows, each as it stands in a line of output.
const SECRETS: Array<[line: string, secret: string]> = [
  ['token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5 ok', 'ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'],
  ['GITLAB glpat-Ab3De5Fg7Hj9Kl1Mn3Pq is set', 'glpat-Ab3De5Fg7Hj9Kl1Mn3Pq'],
  ['slack xoxb-1234567890-abcdefghijABCDEF', 'xoxb-1234567890-abcdefghijABCDEF'],
  ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  ['openai sk-proj-Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9', 'sk-proj-Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9'],
  ['npm npm_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5', 'npm_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'],
  ['google AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q', 'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q'],
  ['vault hvs.CAESIAb3De5Fg7Hj9Kl1Mn3Pq5Rs', 'hvs.CAESIAb3De5Fg7Hj9Kl1Mn3Pq5Rs'],
  ['telegram 1234567890:AAb3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw1Xy3Z', '1234567890:AAb3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw1Xy3Z'],
  ['jwt eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ', 'eyJyb2xlIjoic2VydmljZV9yb2xlIn0'],
  ['sbp_0123456789abcdef0123456789abcdef01234567 used', 'sbp_0123456789abcdef0123456789abcdef01234567'],
  ['key=sb_secret_abcdefghijklmnop1234', 'sb_secret_abcdefghijklmnop1234'],
  ['connecting to postgresql://admin:hunter2-secret@db.example.com:5432/app', 'hunter2-secret'],
  ['GET https://bucket.s3.amazonaws.com/f?X-Amz-Signature=0a1b2c3d4e5f6a7b8c9d&x=1', '0a1b2c3d4e5f6a7b8c9d'],
  ['aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
  ['  wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY  ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['curl -H "Authorization: Bearer abc.def.ghi-token" https://x', 'abc.def.ghi-token'],
  ['"headers": {"X": "Bearer Zm9vYmFyYmF6cXV4cXV1eA"}', 'Zm9vYmFyYmF6cXV4cXV1eA'],
  ["ALTER ROLE app PASSWORD 'sql-pass-value'", 'sql-pass-value'],
  ['machine db.example.com login ops password netrc-pass-1', 'netrc-pass-1'],
  ['Server=db;Uid=app;Pwd=conn-string-pw;', 'conn-string-pw'],
  ["psql 'host=db user=app password=s3cr3t-pw dbname=app'", 's3cr3t-pw'],
  ['export PGPASSWORD=correct-horse-battery', 'correct-horse-battery'],
  ['"SecretAccessKey": "sts-secret-value-123",', 'sts-secret-value-123'],
  ['deploy --client-secret flag-secret-value', 'flag-secret-value'],
  ['mysql -h db -u root -pmysql-pass-value', 'mysql-pass-value'],
  ['xkeysib-Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw1Xy3Z', 'Ab3De5Fg7Hj9Kl1Mn3Pq5Rs7Tu9Vw1Xy3Z'],
  [`the value is ${KNOWN} again`, KNOWN],
  [`\u001b[32mPGPASSWORD\u001b[0m=\u001b[1mcoloured-secret\u001b[0m`, 'coloured-secret'],
];

function redactInChunks(bytes: Buffer, cuts: number[]): { out: Buffer; redactor: Redactor } {
  const redactor = new Redactor({ knownSecrets: [KNOWN] });
  const parts: Buffer[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts)].map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b)) {
    parts.push(redactor.write(bytes.subarray(at, cut)));
    at = cut;
  }
  parts.push(redactor.write(bytes.subarray(at)), redactor.end());
  return { out: Buffer.concat(parts), redactor };
}

function redactWhole(bytes: Buffer): Buffer {
  const redactor = new Redactor({ knownSecrets: [KNOWN] });
  return Buffer.concat([redactor.write(bytes), redactor.end()]);
}

describe('redaction of a stream cut anywhere', () => {
  it('redacts every secret shape whatever byte the pipe splits it at', () => {
    for (const [line, secret] of SECRETS) {
      const bytes = Buffer.from(`first line\n${line}\nlast line\n`);
      const start = bytes.indexOf(secret.slice(0, 8));
      expect(start).toBeGreaterThan(0);
      for (let cut = start; cut <= start + secret.length; cut++) {
        const { out } = redactInChunks(bytes, [cut]);
        expect(out.toString('latin1'), `${secret} cut at ${cut - start}`).not.toContain(secret);
      }
      expect(redactString(line, { knownSecrets: [KNOWN] }).text).not.toContain(secret);
    }
  });

  it('gives what one whole pass gives, for any cuts through lines of secrets and filler', () => {
    const filler = fc.constantFrom('INFO request served in 12ms status=200', 'key: app', 'a.b.c/d-e_f', 'päth=/ü/ä', '', '\u001b[1mbold\u001b[0m', 'x'.repeat(70));
    const line = fc.oneof(filler, fc.constantFrom(...SECRETS.map(([l]) => l)));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.array(fc.nat(2000), { maxLength: 6 }), (lines, newlineAtEnd, cuts) => {
        const bytes = Buffer.from(lines.join('\n') + (newlineAtEnd ? '\n' : ''));
        const whole = redactWhole(bytes);
        expect(redactInChunks(bytes, cuts).out).toEqual(whole);
        for (const [l, secret] of SECRETS) if (lines.includes(l)) expect(whole.toString('latin1')).not.toContain(secret);
      }),
      { numRuns: 400 },
    );
  });

  it('redacts secrets at 64 KiB pipe-read boundaries deep inside megabytes of output', () => {
    const fillerLine = 'INFO request served in 12ms status=200 path=/api/v1/ebooks user=4711 region=eu-west-1\n';
    const filler = fillerLine.repeat(Math.ceil((3 * 65536) / fillerLine.length));
    for (const [line, secret] of SECRETS) {
      // The secret starts a few bytes before the third 64 KiB boundary, so a pipe read would end inside it.
      const head = filler.slice(0, 3 * 65536 - 5 - line.indexOf(secret));
      const text = `${head}\n${line}\n${filler}`;
      const bytes = Buffer.from(text);
      const cuts = Array.from({ length: Math.floor(bytes.length / 65536) }, (_, i) => (i + 1) * 65536);
      const { out, redactor } = redactInChunks(bytes, cuts);
      expect(out.toString('latin1'), secret).not.toContain(secret);
      expect(redactor.total, secret).toBeGreaterThan(0);
      // Everything but the secret's line is unchanged.
      expect(out.subarray(0, Buffer.byteLength(head) + 1).equals(bytes.subarray(0, Buffer.byteLength(head) + 1))).toBe(true);
      expect(out.subarray(out.length - Buffer.byteLength(filler)).equals(Buffer.from(filler))).toBe(true);
    }
  });

  it('keeps a megabyte of output without secrets byte for byte, invalid UTF-8 and control bytes included', () => {
    const pieces = ['plain log line 12ms ok\n', 'bytes \xff\xfe\x00 and \u001b[31mred\u001b[0m\n', 'uuid 0c9a4a3e-5b1f-4f6e-9d0a-2b7c8e1f3a4d path /usr/lib/x86_64-linux-gnu/libc.so.6\n', 'sort_key=3 max_tokens=100 monkey=banana\n', 'commit 549843ddfef8fcf36afa56c6286f2689537c8b2c\n'];
    const bytes = Buffer.from(Array.from({ length: 12_000 }, (_, i) => pieces[i % pieces.length]).join(''), 'latin1');
    const { out, redactor } = redactInChunks(bytes, Array.from({ length: 40 }, (_, i) => i * 65536 + (i % 7)));
    expect(redactor.counts).toEqual({});
    expect(out.equals(bytes)).toBe(true);
  });
});
