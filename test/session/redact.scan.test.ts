// The scanned path for large blocks (redactScan.ts) must redact exactly what trying every pattern on every
// line redacts: a line the scanner passes over must be one no pattern can match.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PATTERNS, Redactor } from '../../src/session/redact.js';
import { LineScanner } from '../../src/session/redactScan.js';

const FILLER = 'INFO request served in 12ms status=200 path=/api/v1/ebooks user=4711 region=eu-west-1\n'.repeat(120);

/** A pattern's regex as a generator of strings it matches (lookarounds left out: the samples are near misses too). */
function samplesOf(regex: RegExp): fc.Arbitrary<string> {
  let source = regex.source;
  // Lookarounds hold no nested groups in these patterns except one level of character classes.
  source = source.replace(/\(\?<?[=!](?:\[[^\]]*\]|\\.|[^()])*\)/g, '').replace(/\\b/g, '').replace(/\(\?:\^\|/g, '(?:');
  const matching = fc.stringMatching(new RegExp(`^(?:${source})$`, regex.flags.replace(/[gmyi]/g, '')), { size: 'small' });
  if (!regex.flags.includes('i')) return matching;
  // fast-check cannot generate for /i: the case of each letter is chosen here instead.
  return fc.tuple(matching, fc.array(fc.boolean(), { minLength: 64, maxLength: 64 })).map(([text, upper]) => [...text].map((c, i) => (upper[i % 64] ? c.toUpperCase() : c.toLowerCase())).join(''));
}

const NEAR_MISSES = [
  'path=/usr/bin PATH=/usr/bin:/bin', 'patValue=abc --patValue hunter2x', 'GH_PAT=ghx_value', 'mypat: "hunter2pat"', '--db-pw hunter2pw',
  'url x:\\//u:pw1@h x:/\\/u:pw2@h', 'key: app sort_key=3 max_tokens=100', 'PASSCODE=123456 passport=abc', 'Token abcdefgh12345', 'Basic dXNlcjpwYXNz',
  'uuid 0c9a4a3e-5b1f-4f6e-9d0a-2b7c8e1f3a4d', 'sha 549843ddfef8fcf36afa56c6286f2689537c8b2c', 'päßwörd=geheim-ü', '  login ops password netrc-pw',
];

function scanned(text: string, knownSecrets: string[] = []): { out: string; redactor: Redactor } {
  const redactor = new Redactor({ knownSecrets });
  const bytes = Buffer.from(text);
  // One block, well above the size from which the scan is used.
  const out = Buffer.concat([redactor.write(bytes), redactor.end()]).toString('latin1');
  return { out, redactor };
}

function everyLine(text: string, knownSecrets: string[] = []): string {
  return new Redactor({ knownSecrets }).redactEveryLine(text);
}

describe('scanned redaction of large blocks', () => {
  it('every pattern declares a trigger, so large blocks are scanned at all', () => {
    expect(PATTERNS.filter((p) => !p.trigger).map((p) => `${p.kind}: ${p.regex.source.slice(0, 40)}`)).toEqual([]);
  });

  it.each(PATTERNS.map((p, i) => [i, p.kind, p] as const))('pattern %i (%s): any line it could match is found and redacted as every-line matching does', (_i, _kind, pattern) => {
    fc.assert(
      fc.property(samplesOf(pattern.regex), fc.constantFrom('', ' ', 'x=', '"', 'ok '), fc.constantFrom('', ' ', '"', ';', ' tail'), (sample, before, after) => {
        fc.pre(!sample.includes('\n') && !sample.includes('\r') && !sample.includes('\u001b') && !sample.includes('PRIVATE KEY'));
        const line = `${before}${sample}${after}`;
        const text = `${FILLER}${line}\n${FILLER}`;
        expect(scanned(text).out).toBe(everyLine(text));
      }),
      { numRuns: 60 },
    );
  });

  // Every word the name rule calls secret, as a flag, an assignment and a field, in several cases.
  const SECRET_WORDS = ['pw', 'pwd', 'pass', 'password', 'passwd', 'passphrase', 'secret', 'credential', 'credentials', 'token', 'apikey', 'authorization', 'auth', 'cookie', 'bearer', 'jwt', 'pat', 'dsn', 'privatekey', 'private', 'accesskey', 'secretkey', 'dockerconfigjson', 'dockercfg', 'htpasswd', 'api_key', 'client_secret', 'signing_key'];
  const named = SECRET_WORDS.flatMap((w) => {
    const camel = w[0]!.toUpperCase() + w.slice(1);
    return [`--db-${w} v4lue-${w}`, `-${w} v4lue`, `${w}=v4lue-${w}`, `${w.toUpperCase()}=v4lue`, `my${camel}: "v4lue"`, `--my${camel}Value x1`, `app.${w} = v4lue`, `{"${w}":"v4lue"}`];
  });
  it.each([...NEAR_MISSES, ...named])('%s: scanned equals every line matched', (line) => {
    const text = `${FILLER}${line}\n${FILLER}`;
    expect(scanned(text).out).toBe(everyLine(text));
  });

  it('lines of secrets, near misses and noise, in any order: scanned equals every line matched', () => {
    const noise = fc.string({ unit: fc.constantFrom(...'abcxyzABCXYZ0189_-./+=:;"\' \t@?&~'.split('')), maxLength: 80 });
    const line = fc.oneof({ arbitrary: fc.constantFrom(...NEAR_MISSES, ...named), weight: 8 }, { arbitrary: noise, weight: 4 }, ...PATTERNS.map((p) => ({ arbitrary: samplesOf(p.regex), weight: 1 })));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), (lines) => {
        fc.pre(lines.every((l) => !/[\n\r\u001b]|PRIVATE KEY/.test(l)));
        const text = `${FILLER}${lines.join('\n')}\n`;
        expect(scanned(text, ['plain-looking-42']).out).toBe(everyLine(text, ['plain-looking-42']));
      }),
      { numRuns: 150 },
    );
  });

  it('a long line of many long runs is scanned in linear time, and a secret at its end still found', { timeout: 30_000 }, () => {
    const runs = 'Abcdefghijklmnopqrstuvwxyz0123456789abcdefghij '.repeat(20_000);
    const text = `${runs}\n${runs}postgresql://u:hunter2-at-the-end@db/app\n`;
    const started = performance.now();
    const { out } = scanned(text);
    expect(out).not.toContain('hunter2-at-the-end');
    expect(out.startsWith(runs)).toBe(true);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('known secrets are found by the scan, in every encoding', () => {
    const known = 'Sécret value/42+x';
    for (const form of [known, encodeURIComponent(known), JSON.stringify(known).slice(1, -1), Buffer.from(known).toString('base64').replace(/=+$/, '')]) {
      const { out, redactor } = scanned(`${FILLER}the value ${form} here\n${FILLER}`, [known]);
      expect(out).not.toContain(Buffer.from(form).toString('latin1'));
      expect(redactor.counts['known-secret']).toBe(1);
    }
  });

  it('a known secret that spans lines is still redacted in a large block (the scan is not used for it)', () => {
    const known = 'first-line-of-it\nsecond-line-of-it';
    const { out, redactor } = scanned(`${FILLER}before ${known} after\n${FILLER}`, [known]);
    expect(out).not.toContain('second-line-of-it');
    expect(redactor.counts['known-secret']).toBe(1);
  });

  it('a block with no candidate line comes back as the very same bytes, untouched', () => {
    const redactor = new Redactor();
    const block = Buffer.from(FILLER.repeat(10));
    const out = redactor.write(block);
    expect(out.buffer).toBe(block.buffer);
    expect(out.byteOffset).toBe(block.byteOffset);
    expect(out.length).toBe(block.length);
  });

  it('the scanner finds literals without regard to case, word ends only before a non-lower-case letter, and long runs, and says which', () => {
    const scanner = new LineScanner([{ literals: ['token'] }, { wordEnd: ['pat'] }, { wordRun: 10 }, { base64Run: 12, literals: ['oken'] }]);
    const lines = ['a TOKEN b', 'path', 'PATH', 'myPat=1', 'patx', 'abcdefghi', 'abcdefghij', 'a/b+c/d+e/f', 'a/b+c/d+e/fg', 'x', 'pat tokenabcdef'];
    const buf = Buffer.from(lines.join('\n'));
    const { ranges, masks } = scanner.candidates(buf);
    const found: Array<[string, number]> = [];
    for (let i = 0; i < ranges.length; i += 2) found.push([buf.toString('latin1', ranges[i], ranges[i + 1]).trimEnd(), masks[i / 2]!]);
    expect(found).toEqual([['a TOKEN b', 0b1001], ['PATH', 0b10], ['myPat=1', 0b10], ['abcdefghij', 0b100], ['a/b+c/d+e/fg', 0b1000], ['pat tokenabcdef', 0b1111]]);
  });
});
