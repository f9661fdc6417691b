// Secret redaction before anything reaches the session log or evidence (FACTS.md lists why the
// patterns are our own: secretlint misses Supabase keys, libpq passwords and AWS session tokens).
//
// Text is handled as latin1 so every byte survives unchanged: the patterns are ASCII, and a line with
// no secret is written back byte for byte. Output is buffered by line so a secret split across two
// chunks is still seen whole; ANSI escapes are stripped for matching only.

import { looksSecretAssignment } from './secretName.js';

export type RedactionKind =
  | 'private-key'
  | 'jwt'
  | 'supabase-access-token'
  | 'supabase-secret-key'
  | 'url-password'
  | 'password-parameter'
  | 'aws-access-key-id'
  | 'auth-header'
  | 'secret-assignment'
  | 'known-secret';

interface Pattern {
  kind: RedactionKind;
  regex: RegExp;
  /** Which capture group is the secret; the whole match when absent. */
  group?: number;
  /** A cheap test that must pass before the regex is worth running. */
  hint: (text: string) => boolean;
  /** A last check on the match (and the text before it); false keeps the match as it is. */
  accept?: (match: RegExpExecArray | string[], before: string) => boolean;
}

// Every pattern stays within one line ([ \t], never \s, around separators), so a block of complete
// lines can be redacted in one pass.
const IDENTIFIER_END = /[A-Za-z0-9_-]*$/;

const PATTERNS: Pattern[] = [
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, hint: (t) => t.includes('eyJ') },
  { kind: 'supabase-access-token', regex: /\bsbp_[a-f0-9]{40}\b/g, hint: (t) => t.includes('sbp_') },
  { kind: 'supabase-secret-key', regex: /\bsb_secret_[A-Za-z0-9_-]{8,}/g, hint: (t) => t.includes('sb_secret_') },
  // scheme://user:PASSWORD@host — greedy, so a stray @ inside the password does not leave a piece behind.
  { kind: 'url-password', regex: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:([^\s/'"]+)@/gi, group: 1, hint: (t) => t.includes('://') },
  { kind: 'aws-access-key-id', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g, hint: (t) => /AKIA|ASIA|ABIA|ACCA/.test(t) },
  {
    kind: 'auth-header',
    regex: /\b(?:authorization|proxy-authorization|apikey|x-api-key|api-key)[ \t]*:[ \t]*([^"'\r\n]+)/gi,
    group: 1,
    hint: (t) => /authorization|api-?key/i.test(t),
  },
  // libpq conninfo and friends: password=secret, password='sec ret'.
  { kind: 'password-parameter', regex: /\bpassword[ \t]*=[ \t]*('[^'\n]*'|"[^"\n]*"|[^\s'";&]+)/gi, group: 1, hint: (t) => /password/i.test(t) },
  // PGPASSWORD=…, AWS_SECRET_ACCESS_KEY=…, "SecretAccessKey": "…", aws_session_token = …, api_key=…
  // Anchored on the keyword (fast); the identifier it ends is checked in `accept`.
  {
    kind: 'secret-assignment',
    regex: /(secret|password|passwd|token|key)(["']?[ \t]*[=:][ \t]*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s'",;&]+)/gi,
    group: 3,
    hint: (t) => /secret|passw|token|key/i.test(t),
    accept: (match, before) => {
      return looksSecretAssignment((IDENTIFIER_END.exec(before)?.[0] ?? '') + match[1]);
    },
  },
];

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
// CSI, OSC and two-character escapes.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/** A line longer than this with no newline is redacted as it stands, so memory stays bounded. */
const MAX_PENDING = 1024 * 1024;
const MIN_KNOWN_SECRET = 4;

export type RedactionCounts = Partial<Record<RedactionKind, number>>;

export function marker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

export interface RedactorOptions {
  /** Exact values always redacted: secret placeholder values, the database password, service keys. */
  knownSecrets?: string[];
}

export class Redactor {
  readonly counts: RedactionCounts = {};
  private pending = '';
  private inPrivateKey = false;
  private readonly known: string[];

  constructor(options: RedactorOptions = {}) {
    // Longest first, so a secret that contains another is replaced whole. Known secrets are matched on
    // the latin1 form of their UTF-8 bytes, the form the text is handled in.
    this.known = [...new Set(options.knownSecrets ?? [])]
      .filter((s) => s.length >= MIN_KNOWN_SECRET)
      .map((s) => Buffer.from(s, 'utf8').toString('latin1'))
      .sort((a, b) => b.length - a.length);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + (b ?? 0), 0);
  }

  /** Feed a chunk; returns the redacted bytes of every line completed so far. */
  write(chunk: Buffer | string): Buffer {
    this.pending += typeof chunk === 'string' ? Buffer.from(chunk, 'utf8').toString('latin1') : chunk.toString('latin1');
    const lastNewline = this.pending.lastIndexOf('\n');
    let ready: string;
    if (lastNewline >= 0) {
      ready = this.pending.slice(0, lastNewline + 1);
      this.pending = this.pending.slice(lastNewline + 1);
    } else if (this.pending.length > MAX_PENDING) {
      ready = this.pending;
      this.pending = '';
    } else {
      return Buffer.alloc(0);
    }
    return Buffer.from(this.redactLines(ready), 'latin1');
  }

  /** The redacted rest, after the last chunk. */
  end(): Buffer {
    const rest = this.pending;
    this.pending = '';
    return Buffer.from(rest ? this.redactLines(rest) : '', 'latin1');
  }

  /** Redact a whole string at once (a command line, a note). */
  redactText(text: string): string {
    const out = Buffer.concat([this.write(text), this.end()]);
    this.inPrivateKey = false;
    return out.toString('utf8');
  }

  private count(kind: RedactionKind): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private redactLines(text: string): string {
    // The common case: no escape codes and no private key, so the whole block is redacted at once.
    if (!this.inPrivateKey && !text.includes('\u001b') && !text.includes('PRIVATE KEY')) return this.redactSimple(text);
    let out = '';
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl + 1;
      out += this.redactLine(text.slice(start, end));
      start = end;
    }
    return out;
  }

  private redactLine(line: string): string {
    const plain = line.includes('\u001b') ? line.replace(ANSI, '') : line;
    // PEM private keys span lines: everything from BEGIN to END goes.
    if (this.inPrivateKey) {
      if (PEM_END.test(plain)) {
        this.inPrivateKey = false;
        return plain.slice(plain.search(PEM_END)).replace(PEM_END, '');
      }
      return '';
    }
    const begin = plain.search(PEM_BEGIN);
    if (begin >= 0) {
      this.count('private-key');
      const after = plain.slice(begin);
      const endAt = after.search(PEM_END);
      if (endAt >= 0) {
        const endMatch = PEM_END.exec(after)!;
        return this.redactLine(plain.slice(0, begin)) + marker('private-key') + after.slice(endAt + endMatch[0].length);
      }
      // The key's own lines and newlines go; the END line brings back its own newline.
      this.inPrivateKey = true;
      return this.redactSimple(plain.slice(0, begin)) + marker('private-key');
    }
    const redacted = this.redactSimple(plain);
    // A line with no secret is written back exactly as it came, escapes and all.
    return redacted === plain ? line : redacted;
  }

  private redactSimple(text: string): string {
    let out = text;
    for (const secret of this.known) {
      if (!out.includes(secret)) continue;
      const parts = out.split(secret);
      for (let i = 1; i < parts.length; i++) this.count('known-secret');
      out = parts.join(marker('known-secret'));
    }
    for (const { kind, regex, group, hint, accept } of PATTERNS) {
      if (!hint(out)) continue;
      regex.lastIndex = 0;
      out = out.replace(regex, (match: string, ...rest: unknown[]) => {
        const offset = rest[rest.length - 2] as number;
        const whole = rest[rest.length - 1] as string;
        const groups = rest.slice(0, -2) as string[];
        if (accept && !accept([match, ...groups], whole.slice(Math.max(0, offset - 200), offset))) return match;
        if (group === undefined) {
          this.count(kind);
          return marker(kind);
        }
        let secret = groups[group - 1];
        // A quoted value keeps its quotes: only what is inside them is secret.
        if (secret && secret.length >= 2 && (secret[0] === '"' || secret[0] === "'") && secret.endsWith(secret[0])) secret = secret.slice(1, -1);
        if (!secret || secret.startsWith('[REDACTED')) return match;
        this.count(kind);
        const at = match.lastIndexOf(secret);
        return match.slice(0, at) + marker(kind) + match.slice(at + secret.length);
      });
    }
    return out;
  }
}

/** Redact one string completely; returns the text and what was found. */
export function redactString(text: string, options: RedactorOptions = {}): { text: string; counts: RedactionCounts } {
  const redactor = new Redactor(options);
  return { text: redactor.redactText(text), counts: redactor.counts };
}
