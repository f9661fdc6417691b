import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor, redactString } from '../../src/session/redact.js';

// Fake secrets, shaped like the real ones.
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIiwiaXNzIjoic3VwYWJhc2UifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
const SBP = 'sbp_0123456789abcdef0123456789abcdef01234567';
const AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const PEM = ['-----BEGIN OPENSSH PRIVATE KEY-----', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 'QyNTUxOQAAACBmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmZmYAAAAA', '-----END OPENSSH PRIVATE KEY-----'].join('\n');

function redactInChunks(text: string, cuts: number[], knownSecrets: string[] = []): { out: string; redactor: Redactor } {
  const redactor = new Redactor({ knownSecrets });
  const bytes = Buffer.from(text);
  const parts: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parts.push(redactor.write(bytes.subarray(at, cut)));
    at = cut;
  }
  parts.push(redactor.write(bytes.subarray(at)), redactor.end());
  return { out: Buffer.concat(parts).toString('utf8'), redactor };
}

describe('redaction', () => {
  const cases: Array<[string, string, string, string]> = [
    ['postgres URL password', 'connecting to postgresql://admin:hunter2-secret@db.example.com:5432/app', 'hunter2-secret', 'postgresql://admin:[REDACTED:url-password]@db.example.com'],
    ['service_role JWT', `SUPABASE_SERVICE_ROLE_KEY used: ${JWT}`, JWT.slice(40), '[REDACTED:jwt]'],
    ['supabase access token', `token ${SBP} ok`, SBP, '[REDACTED:supabase-access-token]'],
    ['sb_secret key', 'key=sb_secret_abcdefghijklmnop1234', 'sb_secret_abcdefghijklmnop1234', '[REDACTED:'],
    ['AWS key id', `aws_access_key_id = ${AWS_ID}`, AWS_ID, '[REDACTED:aws-access-key-id]'],
    ['AWS secret in a credentials file', `aws_secret_access_key = ${AWS_SECRET}`, AWS_SECRET, 'aws_secret_access_key = [REDACTED:aws-secret-access-key]'],
    ['AWS secret in sts JSON', `"SecretAccessKey": "${AWS_SECRET}",`, AWS_SECRET, '"SecretAccessKey": "[REDACTED:aws-secret-access-key]"'],
    ['AWS session token env', 'AWS_SESSION_TOKEN=FwoGZXIvYXdzEJr//////////wEaDHh4eHh4eHh4', 'FwoGZXIvYXdzEJr', 'AWS_SESSION_TOKEN=[REDACTED:secret-assignment]'],
    ['libpq password parameter', "psql 'host=db user=app password=s3cr3t-pw dbname=app'", 's3cr3t-pw', 'password=[REDACTED:password-parameter]'],
    ['PGPASSWORD', 'PGPASSWORD=correct-horse psql -h db', 'correct-horse', 'PGPASSWORD=[REDACTED:'],
    ['Authorization header', 'curl -H "Authorization: Bearer abc.def.ghi-token" https://x', 'abc.def.ghi-token', 'Authorization: [REDACTED:auth-header]"'],
    ['apikey header', "-H 'apikey: some-anon-key-value'", 'some-anon-key-value', 'apikey: [REDACTED:auth-header]'],
    ['service role key assignment', 'SUPABASE_SERVICE_ROLE_KEY=some-service-role-value', 'some-service-role-value', 'SUPABASE_SERVICE_ROLE_KEY=[REDACTED:secret-assignment]'],
    ['api_key in a query string', 'GET /v1/items?api_key=abcdef123456&limit=5', 'abcdef123456', 'api_key=[REDACTED:secret-assignment]&limit=5'],
    ['PEM private key', `before\n${PEM}\nafter`, 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUA', 'before\n[REDACTED:private-key]\nafter'],
  ];

  it.each(cases)('%s never reaches the output', (_name, text, secret, expected) => {
    const { text: out } = redactString(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(expected);
  });

  it('catches PGPASSWORD split across two chunks, and every other secret at every cut', () => {
    const text = 'export PGPASSWORD=split-across-chunks\n';
    for (let cut = 1; cut < text.length; cut++) {
      const { out } = redactInChunks(text, [cut]);
      expect(out).not.toContain('split-across-chunks');
    }
    for (const [, sample, secret] of cases) {
      const text = `line one\n${sample}\nline three\n`;
      for (let cut = 1; cut < text.length; cut += 3) expect(redactInChunks(text, [cut]).out).not.toContain(secret);
    }
  });

  it('matches through ANSI colour codes', () => {
    const { text } = redactString('\u001b[32mPGPASSWORD\u001b[0m=\u001b[1mtopsecret-value\u001b[0m');
    expect(text).not.toContain('topsecret-value');
  });

  it('always redacts known secrets: placeholder values, the database password, service keys', () => {
    const { out, redactor } = redactInChunks('the value is plain-looking-42 and plain-looking-42 again\n', [20], ['plain-looking-42']);
    expect(out).toBe('the value is [REDACTED:known-secret] and [REDACTED:known-secret] again\n');
    expect(redactor.counts).toEqual({ 'known-secret': 2 });
  });

  it('counts redactions by kind', () => {
    const { counts } = redactString(`${AWS_ID} ${AWS_ID}\npostgres://u:pw12345@h/db\n`);
    expect(counts).toEqual({ 'aws-access-key-id': 2, 'url-password': 1 });
  });

  it('leaves ordinary output byte for byte, invalid UTF-8 and escapes included', () => {
    const samples = [
      Buffer.from('NAME  READY  STATUS\napi-1 1/1 Running\nsort_key: 3\nPWD=/home/ops\nmax_tokens=100\nmonkey=banana\nkey: app\nprimary key (id)\n'),
      Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a, 0xc3, 0x28, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a]),
    ];
    for (const sample of samples) {
      const redactor = new Redactor();
      expect(Buffer.concat([redactor.write(sample), redactor.end()])).toEqual(sample);
      expect(redactor.total).toBe(0);
    }
  });

  it('passes any text without secrets through unchanged, however it is chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 5 }), (bytes, cuts) => {
        const text = Buffer.from(bytes).toString('latin1');
        fc.pre(!/=|:|eyJ|sbp_|sb_secret|AKIA|ASIA|ABIA|ACCA|PRIVATE KEY/i.test(text));
        const redactor = new Redactor();
        const parts: Buffer[] = [];
        let at = 0;
        for (const cut of [...cuts].map((c) => Math.min(c, bytes.length)).sort((a, b) => a - b)) {
          parts.push(redactor.write(Buffer.from(bytes.subarray(at, cut))));
          at = cut;
        }
        parts.push(redactor.write(Buffer.from(bytes.subarray(at))), redactor.end());
        expect(Buffer.concat(parts)).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
