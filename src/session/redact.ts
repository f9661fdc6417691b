// Secret redaction before anything reaches the session log or evidence (FACTS.md lists why the
// patterns are our own: secretlint misses Supabase keys, libpq passwords and AWS session tokens).
//
// Text is handled as latin1 so every byte survives unchanged: the patterns are ASCII, and a line with
// no secret is written back byte for byte. Output is buffered by line so a secret split across two
// chunks is still seen whole; ANSI escapes are stripped for matching only.

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
}

const PATTERNS: Pattern[] = [
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g },
  { kind: 'supabase-access-token', regex: /\bsbp_[a-f0-9]{40}\b/g },
  { kind: 'supabase-secret-key', regex: /\bsb_secret_[A-Za-z0-9_-]{8,}/g },
  // scheme://user:PASSWORD@host — greedy, so a stray @ inside the password does not leave a piece behind.
  { kind: 'url-password', regex: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:([^\s/'"]+)@/gi, group: 1 },
  { kind: 'aws-access-key-id', regex: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g },
  { kind: 'auth-header', regex: /\b(?:authorization|proxy-authorization|apikey|x-api-key|api-key)\s*:\s*([^"'\r\n]+)/gi, group: 1 },
  // libpq conninfo and friends: password=secret, password='sec ret'.
  { kind: 'password-parameter', regex: /\bpassword\s*=\s*('[^']*'|"[^"]*"|[^\s'";&]+)/gi, group: 1 },
  // PGPASSWORD=…, aws_session_token = …, "SecretAccessKey": "…", api_key=…
  {
    kind: 'secret-assignment',
    regex: /\b([A-Za-z0-9_]*(?:secret|password|passwd|token)|[A-Za-z0-9_]*(?:api|access|private|secret|service_role|anon)[_-]?key)(["']?\s*[=:]\s*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s'",;]+)/gi,
    group: 3,
  },
  // AWS_SECRET_ACCESS_KEY=…, SUPABASE_SERVICE_ROLE_KEY=…: upper case only, so `sort_key: x` stays.
  { kind: 'secret-assignment', regex: /\b([A-Z0-9_]*_KEY)(["']?\s*[=:]\s*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s'",;]+)/g, group: 3 },
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
    for (const { kind, regex, group } of PATTERNS) {
      regex.lastIndex = 0;
      if (!regex.test(out)) continue;
      regex.lastIndex = 0;
      out = out.replace(regex, (match: string, ...groups: unknown[]) => {
        if (group === undefined) {
          this.count(kind);
          return marker(kind);
        }
        let secret = groups[group - 1] as string | undefined;
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
