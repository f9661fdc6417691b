// Gaps an attacker found in redaction: .pgpass lines, PostgreSQL password hashes, base64 of a known secret
// at any offset, zero-width characters inside a token, and a secret across the cut of a huge line.
import { describe, expect, it } from 'vitest';
import { Redactor, redactString } from '../../src/session/redact.js';

// Fake secrets, assembled at run time so no scanner mistakes this file for a leak.
const r = (n: number, alphabet = 'aB3xK9mQ2vL7pZ4wR8tY6nC1') => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + n) % alphabet.length]).join('');
const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 5 + 3) % 16]).join('');
const MAX_PENDING = 1024 * 1024;

function streamed(text: string | Buffer, knownSecrets: string[] = [], chunk = 65536, maxLineBytes?: number): string {
  const redactor = new Redactor({ knownSecrets, ...(maxLineBytes ? { maxLineBytes } : {}) });
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(redactor.write(bytes.subarray(i, i + chunk)));
  parts.push(redactor.end());
  return Buffer.concat(parts).toString('utf8');
}

describe('.pgpass lines', () => {
  const lines: Array<[string, string]> = [
    ['db.example.com:5432:app:admin:Pgp4ss-word', 'Pgp4ss-word'],
    ['*:*:*:replicator:repl1cat0r', 'repl1cat0r'],
    ['10.0.3.7:6543:postgres:postgres.abcdefghijkl:pooler-pw-9', 'pooler-pw-9'],
    ['localhost:5432:app:app:with\\:colon\\\\and-slash', 'with\\:colon'],
    ['  db:5432:*:ops:Indented-pw1', 'Indented-pw1'],
    ['\\:\\:1:5432:app:app:v6-Passw0rd', 'v6-Passw0rd'], // an IPv6 host, its colons escaped as .pgpass requires
  ];
  it.each(lines)('%s', (line, secret) => {
    for (const text of [line, `$ cat ~/.pgpass\n${line}\n`, `echo '${line.trim()}' >> ~/.pgpass`, `echo "${line.trim()}" > ~/.pgpass && chmod 600 ~/.pgpass`]) {
      const out = redactString(text).text;
      expect(out, text).not.toContain(secret);
      expect(out).toContain('[REDACTED:');
    }
    expect(streamed(`${line}\n`)).not.toContain(secret);
  });

  it('leaves colon-separated lines that are not .pgpass alone', () => {
    const ordinary = [
      'root:x:0:0:root:/root:/bin/bash',
      '2026-11-25 06:37:27:123 INFO started',
      'fe80:0:0:0:1',
      '12:30:45:67:89',
      'aa:bb:cc:dd:ee:ff',
      'ERROR: relation "x" does not exist: LINE 1: select',
      'host:port:database:username:password',
      'localhost:5432:*:postgres:*',
      'Jan 12 10:11:12 host sshd[12]: Accepted key',
    ];
    for (const line of ordinary) expect(redactString(line).text, line).toBe(line);
  });
});

describe('PostgreSQL password hashes', () => {
  const md5 = `md5${hex(32)}`;
  const scram = `SCRAM-SHA-256$4096:${r(22)}==$${r(43)}=:${r(43)}=`;
  it.each([
    ['md5 in a psql cell', ` app      | ${md5}\n`, md5.slice(3)],
    ['md5 in CREATE ROLE', `CREATE ROLE app LOGIN PASSWORD '${md5}';`, md5.slice(3)],
    ['md5 in a pg_dumpall line', `ALTER ROLE app WITH LOGIN PASSWORD '${md5}';`, md5.slice(3)],
    ['SCRAM in a psql cell', ` postgres | ${scram}\n`, r(43)],
    ['SCRAM in JSON', `{"rolpassword":"${scram}"}`, r(43)],
    ['SCRAM salt', ` postgres | ${scram}`, r(22)],
    ['SCRAM-SHA-256 in pg_authid CSV', `10,app,${scram},t`, r(43)],
  ])('%s', (_name, text, secret) => {
    const out = redactString(text).text;
    expect(out).not.toContain(secret);
    expect(out).toMatch(/\[REDACTED:password-hash\]|\[REDACTED:password-parameter\]/);
  });

  it('leaves md5sum and sha256 digests alone', () => {
    for (const line of [`${hex(32)}  evidence.txt`, `md5sum: ${hex(32)}`, `MD5 (file) = ${hex(32)}`, `sha256:${hex(64)}`, 'SCRAM-SHA-256 is the default password_encryption'])
      expect(redactString(line).text, line).toBe(line);
  });
});

describe('base64 and hex of text that holds a known secret', () => {
  const secret = 'Tr0ub4dor&3-horse';
  it('at every offset, with anything before and after it', () => {
    for (const before of ['', 'u', 'us', 'usr', 'user:', 'Authorization: basic ']) {
      for (const after of ['', '\n', ':x', '\n\n\nmore text']) {
        const plain = `${before}${secret}${after}`;
        for (const encoded of [Buffer.from(plain).toString('base64'), Buffer.from(plain).toString('base64url')]) {
          const out = redactString(`data: ${encoded}\n`, { knownSecrets: [secret] }).text;
          // No 6 secret bytes in a row survive: decode every window of what is left.
          const left = out.replace(/\[REDACTED:[a-z-]+\]/g, ' ');
          for (const run of left.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
            for (let shift = 0; shift < 4; shift++) {
              const decoded = Buffer.from(run.slice(shift), 'base64').toString('latin1');
              for (let i = 0; i + 6 <= secret.length; i++) expect(decoded, `${plain} → ${out}`).not.toContain(secret.slice(i, i + 6));
            }
          }
        }
      }
    }
  });

  it('as hex, the way psql shows bytea and xxd -p prints it', () => {
    const asHex = Buffer.from(secret).toString('hex');
    for (const text of [` \\x${asHex}00ff\n`, `${asHex.toUpperCase()}\n`, `7573723a${asHex}\n`]) {
      const out = redactString(text, { knownSecrets: [secret] }).text;
      expect(out.toLowerCase()).not.toContain(asHex.slice(0, 16));
    }
  });

  it('leaves base64 of ordinary text alone', () => {
    const line = `payload ${Buffer.from('hello world, this is an ordinary log line').toString('base64')}\n`;
    expect(redactString(line, { knownSecrets: [secret] }).text).toBe(line);
  });
});

describe('zero-width characters inside a secret', () => {
  const token = 'gh' + 'p_' + r(36);
  const invisible = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e'];
  it.each(invisible.map((c) => [c.codePointAt(0)!.toString(16), c]))('U+%s inside a token, a known secret and a labelled value', (_code, c) => {
    const cases: Array<[string, string, string[]]> = [
      [`pushed with ${token.slice(0, 2)}${c}${token.slice(2)}`, r(36), []],
      [`pushed with ${token.slice(0, 10)}${c}${c}${token.slice(10)}`, r(36).slice(8), []],
      [`PGPASSWORD=corr${c}ect-horse psql`, 'ect-horse', []],
      [`the value is plain${c}-looking-42 here`, '-looking-42', ['plain-looking-42']],
      [`sk${c}_live_${r(24)}`, r(24), []],
      [`eyJhbGciOiJIUzI1NiJ9.eyJ${c}yb2xlIjoic2VydmljZV9yb2xlIn0.${r(43)}`, r(43), []],
    ];
    for (const [text, secret, known] of cases) {
      expect(redactString(text, { knownSecrets: known }).text, JSON.stringify(text)).not.toContain(secret);
      expect(streamed(`${text}\n`, known, 7)).not.toContain(secret);
    }
  });

  it('a line with zero-width characters and no secret is kept byte for byte', () => {
    const line = 'word\u200bjoiner\u200d and 👩‍💻 emoji, soft\u00adhyphen\n';
    expect(streamed(line)).toBe(line);
  });
});

describe('a secret across the 1 MB cut of a line with no newline', () => {
  const known = 'Kn0wn-secret-value-77';
  const token = 'gh' + 'p_' + r(36);
  // A line is cut where the text held back first passes 1 MB: the end of the chunk that took it there.
  const cutFor = (chunk: number) => (Math.floor(MAX_PENDING / chunk) + 1) * chunk;

  it('a known secret at every offset around the cut, whatever the chunk size', () => {
    for (const chunk of [65536, 4096, 999]) {
      for (const at of [-21, -20, -12, -1, 0, 1]) {
        const before = cutFor(chunk) + at;
        const text = 'x'.repeat(before) + known + 'y'.repeat(1000);
        const out = streamed(text, [known], chunk);
        expect(out, `chunk ${chunk}, at ${at}`).toBe('x'.repeat(before) + '[REDACTED:known-secret]' + 'y'.repeat(1000));
      }
    }
  });

  it('a token, a labelled value and a flag across the cut, with spaces as the only separators', () => {
    const tails: Array<[string, string]> = [
      [` ${token} `, r(36)],
      [` PGPASSWORD=corr3ct-horse-battery `, 'corr3ct-horse-battery'],
      [` --password hunter2-hunter2 `, 'hunter2-hunter2'],
      [` Authorization: Bearer ${r(40)}`, r(40)],
      [` postgres://app:Url-passw0rd@db/app `, 'Url-passw0rd'],
    ];
    // The same cut logic at 64 KiB (maxLineBytes), so every offset can be tried quickly; the 1 MB
    // default is tried with a known secret above.
    const max = 64 * 1024;
    const cutAt = (chunk: number) => (Math.floor(max / chunk) + 1) * chunk;
    for (const chunk of [4096, 999]) {
      for (const [tail, secret] of tails) {
        for (let at = -tail.length; at <= 1; at++) {
          const length = cutAt(chunk) + at;
          const filler = 'word '.repeat(Math.ceil(length / 5)).slice(0, length);
          const text = `${filler}${tail} ${'z'.repeat(3000)}`;
          const out = streamed(text, [], chunk, max);
          expect(out, `chunk ${chunk}, at ${at}: ${tail}`).not.toContain(secret.slice(-8));
          expect(out, `chunk ${chunk}, at ${at}: ${tail}`).not.toContain(secret.slice(0, 8));
          // The same as when the line is redacted whole (a run of markers may name other kinds).
          const markersAsOne = (t: string) => t.replace(/(?:\[REDACTED:[a-z-]+\])+/g, '[REDACTED]');
          expect(markersAsOne(out) === markersAsOne(redactString(text).text), `chunk ${chunk}, at ${at}: ${tail}`).toBe(true);
        }
      }
    }
  });

  it('memory stays bounded on a line of many megabytes, and what has no secret is kept exactly', () => {
    const text = `${'abc def '.repeat(3 * MAX_PENDING / 8)}`;
    const redactor = new Redactor({ knownSecrets: [known] });
    let out = 0;
    let most = 0;
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 65536) {
      out += redactor.write(bytes.subarray(i, i + 65536)).length;
      most = Math.max(most, i + 65536 - out);
    }
    out += redactor.end().length;
    expect(out).toBe(bytes.length);
    expect(most).toBeLessThan(MAX_PENDING + 2 * 65536);
  });
});
