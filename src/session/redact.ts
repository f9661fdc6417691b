// Secret redaction before anything reaches the session log or evidence (the README says why the
// patterns are our own: secretlint misses Supabase keys, libpq passwords and AWS session tokens).
//
// Text is handled as latin1 so every byte survives unchanged: the patterns are ASCII, and a line with
// no secret is written back byte for byte. Output is buffered by line so a secret split across two
// chunks is still seen whole; ANSI escapes are stripped for matching only.

import { BASE64_CHARS, hasRun } from './charRun.js';
import { LineScanner, type Candidates, type Trigger } from './redactScan.js';
import { looksSecretAssignment } from './secretName.js';

export type RedactionKind =
  | 'private-key'
  | 'jwt'
  | 'supabase-access-token'
  | 'supabase-secret-key'
  | 'url-password'
  | 'password-parameter'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'auth-header'
  | 'secret-assignment'
  | 'secret-flag'
  | 'signed-url'
  | 'token'
  | 'known-secret';

export interface Pattern {
  kind: RedactionKind;
  regex: RegExp;
  /** Which capture group is the secret; the whole match when absent. */
  group?: number;
  /** A cheap test that must pass before the regex is worth running. */
  hint: (text: string) => boolean;
  /** A last check on the match; false keeps the match as it is. */
  accept?: (match: string[], before: string) => boolean;
  /** What every match contains, for finding the lines of a large block worth matching (redactScan.ts). */
  trigger?: Trigger;
}

// Token shapes with a fixed prefix (compared against gitleaks' rules and secretlint's recommended preset;
// README "Secret redaction" says which were taken and why). Each is cheap: a literal prefix first.
const TOKEN_SHAPES: Array<[prefix: RegExp, shape: string]> = [
  [/gh[pousr]_/, 'gh[pousr]_[A-Za-z0-9]{30,255}'], // GitHub classic tokens
  [/github_pat_/, 'github_pat_[A-Za-z0-9_]{22,255}'], // GitHub fine-grained
  [/gl[a-z]{1,6}-/, 'gl(?:pat|dt|rt|ptt|cbt|imt|ft|soat|oas|agent|ffct)-[A-Za-z0-9_-]{20,}'], // GitLab
  [/xox|xapp-/, '(?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,}'], // Slack
  [/hooks\.slack\.com/, 'hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{8,}'],
  [/_live_|_test_|whsec_/, '(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{16,}'], // Stripe
  [/AIza/, 'AIza[0-9A-Za-z_-]{35}'], // Google API key
  [/ya29\.|GOCSPX-/, 'ya29\\.[0-9A-Za-z_-]{20,}|GOCSPX-[A-Za-z0-9_-]{20,}'], // Google OAuth
  [/npm_/, 'npm_[A-Za-z0-9]{36}'],
  [/pypi-/, 'pypi-[A-Za-z0-9_-]{50,}'],
  [/SG\./, 'SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}'], // SendGrid
  [/SK/, '(?:SK)[0-9a-fA-F]{32}'], // Twilio API key
  [/sk-/, 'sk-(?:proj-|ant-(?:api|admin)\\d\\d-|svcacct-)?[A-Za-z0-9_-]{20,}'], // OpenAI, Anthropic
  [/hv[sbr]\./, 'hv[sbr]\\.[A-Za-z0-9_-]{20,}'], // HashiCorp Vault
  [/dop_v1_|doo_v1_|dor_v1_/, 'do[opr]_v1_[a-f0-9]{64}'], // DigitalOcean
  [/shp[a-z]{2}_/, 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'], // Shopify
  [/dp\.(?:pt|st|ct|sa|scim|audit)\./, 'dp\\.(?:pt|st|ct|sa|scim|audit)\\.[A-Za-z0-9]{20,}'], // Doppler
  [/glc_|glsa_/, '(?:glc|glsa)_[A-Za-z0-9_+/=-]{20,}'], // Grafana
  [/HRKU-/, 'HRKU-[A-Za-z0-9_-]{20,}'], // Heroku
  [/PMAK-/, 'PMAK-[a-f0-9]{24}-[a-f0-9]{34}'], // Postman
  [/lin_api_/, 'lin_api_[A-Za-z0-9]{40}'], // Linear
  [/dapi/, 'dapi[a-f0-9]{32}'], // Databricks
  [/hf_/, 'hf_[A-Za-z]{30,}'], // Hugging Face
  [/NRAK-/, 'NRAK-[A-Z0-9]{27}'], // New Relic
  [/sntry[su]_/, 'sntry[su]_[A-Za-z0-9_=+/-]{30,}'], // Sentry
  [/AGE-SECRET-KEY-/, 'AGE-SECRET-KEY-1[0-9A-Z]{58}'],
  [/ATATT/, 'ATATT3[A-Za-z0-9_=-]{100,}'], // Atlassian
  [/key-/, 'key-[0-9a-f]{32}'], // Mailgun
  [/sq0/, 'sq0(?:csp|atp)-[0-9A-Za-z_-]{22,}'], // Square
  [/EAA/, 'EAA[A-Za-z0-9]{100,}'], // Meta
  [/fo1_/, 'fo1_[A-Za-z0-9_-]{30,}'], // Fly.io
  [/pscale_/, 'pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{30,}'], // PlanetScale
  [/amzn\.mws\./, 'amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'], // AWS MWS
  [/discord/, 'discord(?:app)?\\.com/api/webhooks/\\d+/[A-Za-z0-9_-]{20,}'],
  [/1\/\/0/, '1//0[A-Za-z0-9_-]{30,}'], // Google OAuth refresh token
  [/GR1348941/, 'GR1348941[A-Za-z0-9_-]{20,}'], // GitLab runner registration
  [/FwoGZXIvYXdz|IQoJb3JpZ2lu/, '(?:FwoGZXIvYXdz|IQoJb3JpZ2lu)[A-Za-z0-9/+=]{40,}'], // AWS session tokens
  [/LS0tLS1CRUdJTi/, 'LS0tLS1CRUdJTi[A-Za-z0-9+/=]{20,}'], // a PEM block in base64 (Kubernetes tls.key)
];
const TOKEN_HINT = new RegExp(TOKEN_SHAPES.map(([p]) => p.source).join('|'));
// No lookbehind in front, so the engine can look for the literal prefixes; the start is checked in `accept`.
const TOKEN_REGEX = new RegExp(`(?:${TOKEN_SHAPES.map(([, s]) => s).join('|')})(?![A-Za-z0-9_])`, 'g');
const TOKEN_START_OK = (before: string) => !/[A-Za-z0-9_-]$/.test(before);
// The prefixes above as literals (a shape whose prefix is too common, SK and EAA, by its long run instead).
const TOKEN_TRIGGER: Trigger = {
  literals: [
    'ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glimt-', 'glft-', 'glsoat-', 'gloas-',
    'glagent-', 'glffct-', 'xox', 'xapp-', 'hooks.slack.com/', '_live_', '_test_', 'whsec_', 'aiza', 'ya29.', 'gocspx-', 'npm_', 'pypi-', 'sg.',
    'sk-', 'hvs.', 'hvb.', 'hvr.', '_v1_', 'shpat_', 'shpca_', 'shppa_', 'shpss_', 'dp.', 'glc_', 'glsa_', 'hrku-', 'pmak-', 'lin_api_', 'dapi',
    'hf_', 'nrak-', 'sntry', 'age-secret-key-', 'atatt3', 'key-', 'sq0', 'fo1_', 'pscale_', 'amzn.mws.', 'discord', '1//0', 'gr1348941',
    'fwogzxivyxdz', 'iqojb3jpz2lu', 'ls0tls1crudjti',
  ],
  wordRun: 34,
  confirm: TOKEN_HINT,
};
// Shapes that start with a character class, each behind its own cheap test (a literal searched for
// first: a regex that starts with a class is tried at every position).
const CLASS_SHAPES: Array<[hint: (text: string) => boolean, regex: RegExp, trigger?: Trigger]> = [
  [(t) => t.includes('Q~') && /\dQ~/.test(t), /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g, { literals: ['q~'] }], // Azure AD client secret
  [(t) => t.includes(':AA') && /\d{8}:AA/.test(t), /(?<![0-9])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g, { literals: [':aa'] }], // Telegram bot
  [(t) => /\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}/.test(t), /(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/g, { wordRun: 24, confirm: /\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}/ }], // Discord bot
];

// Values that are not secrets even after a secret-looking label: references, placeholders, booleans.
const IDENTIFIER_END = /[A-Za-z0-9_.-]*$/;

const NOT_A_VALUE = /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^<>]*>|\{\{[^{}]*\}\}|true|false|null|nil|none|undefined|\[REDACTED.*|\*+|\.\.\.|…)$/i;

function usableValue(value: string | undefined): boolean {
  if (!value) return false;
  const v = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
  return v.trim() !== '' && !NOT_A_VALUE.test(v.trim());
}

/** Shannon entropy in bits per character: how random a run of characters reads. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** Upper, lower and digits, high entropy: a random credential, not an identifier or a hash. */
function randomLooking(value: string, minEntropy: number): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value) && entropy(value) >= minEntropy;
}

function basicCredentials(value: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length < 8) return false;
  return /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(Buffer.from(value, 'base64').toString('latin1'));
}

// Every pattern stays within one line ([ \t], never \s, around separators), so a block of complete
// lines can be redacted in one pass. Labels are found by their own identifier (with a lookbehind so a
// long identifier is scanned once), and judged by the one name rule in secretName.ts.
export const PATTERNS: Pattern[] = [
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, hint: (t) => t.includes('eyJ'), trigger: { literals: ['eyj'] } },
  { kind: 'supabase-access-token', regex: /\bsbp_[a-f0-9]{40}\b/g, hint: (t) => t.includes('sbp_'), trigger: { literals: ['sbp_'] } },
  { kind: 'supabase-secret-key', regex: /\bsb_secret_[A-Za-z0-9_-]{8,}/g, hint: (t) => t.includes('sb_secret_'), trigger: { literals: ['sb_secret_'] } },
  { kind: 'token', regex: TOKEN_REGEX, hint: (t) => TOKEN_HINT.test(t), accept: (_m, before) => TOKEN_START_OK(before), trigger: TOKEN_TRIGGER },
  ...CLASS_SHAPES.map(([hint, regex, trigger]): Pattern => ({ kind: 'token', regex, hint, ...(trigger ? { trigger } : {}) })),
  // scheme://user:PASSWORD@host — greedy, so a stray @ inside the password does not leave a piece behind.
  { kind: 'url-password', regex: /\b[a-z][a-z0-9+.-]*:(?:\\?\/){2}[^\s:/@'"]*:([^\s/'"]+)@/gi, group: 1, hint: (t) => t.includes('://') || t.includes(':\\/\\/'), trigger: { literals: [':/', ':\\'] } },
  // Pre-signed and SAS URLs carry their credential in the query.
  {
    kind: 'signed-url',
    regex: /[?&](?:sig|signature|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|X-Goog-Signature|X-Goog-Credential|Signature|Key-Pair-Id|token|access_token|code)=([^\s&'"#]+)/g,
    group: 1,
    hint: (t) => /[?&][A-Za-z_-]+=/.test(t),
    trigger: { literals: ['sig=', 'signature=', 'token=', 'credential=', 'key-pair-id=', 'code='] },
  },
  { kind: 'aws-access-key-id', regex: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}\b/g, hint: (t) => /A3T|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA/.test(t), trigger: { literals: ['a3t', 'akia', 'asia', 'abia', 'acca', 'agpa', 'aida', 'aroa', 'aipa', 'anpa', 'anva', 'apka'] } },
  // The 40-character AWS secret on its own (`aws configure get`, a pasted pair): base64 with mixed case and digits.
  {
    kind: 'aws-secret-access-key',
    regex: /(?<![A-Za-z0-9/+=_.-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g,
    hint: (t) => hasRun(t, BASE64_CHARS, 40),
    accept: ([m]) => randomLooking(m!, 3.5) && /[/+]|^[A-Za-z0-9]{40}$/.test(m!) && !/^[0-9a-f]{40}$/i.test(m!),
    trigger: { base64Run: 40 },
  },
  {
    kind: 'auth-header',
    regex: /\b(?:authorization|proxy-authorization|apikey|x-api-key|api-key|cookie|set-cookie|x-auth-token|x-access-token|private-token|dd-api-key|dd-application-key)[ \t]*:[ \t]*([^"'\r\n]+)/gi,
    group: 1,
    hint: (t) => /authorization|api-?key|cookie|token/i.test(t),
    trigger: { literals: ['authorization', 'apikey', 'api-key', 'cookie', 'token', 'application-key'] },
  },
  // Bearer/Basic credentials wherever they stand (a JSON header map, a YAML value, prose).
  {
    kind: 'auth-header',
    regex: /\b(?:[Bb]earer|BEARER|Basic|Digest|Token)[ \t]+([A-Za-z0-9._~+/=-]{8,})/g,
    group: 1,
    hint: (t) => /bearer|basic|digest|token/i.test(t),
    accept: ([m, v]) => (/^basic/i.test(m!) ? basicCredentials(v!) : /[0-9._~+/=-]/.test(v!) || v!.length >= 20),
    trigger: { literals: ['bearer', 'basic', 'digest', 'token'] },
  },
  // SQL: CREATE/ALTER ROLE … PASSWORD 'secret', MySQL IDENTIFIED BY 'secret'.
  { kind: 'password-parameter', regex: /\b(?:PASSWORD|IDENTIFIED[ \t]+BY)[ \t]+'((?:[^'\n]|'')*)'/gi, group: 1, hint: (t) => /password|identified/i.test(t), trigger: { literals: ['password', 'identified'] } },
  // .netrc: machine HOST login USER password SECRET; connection strings: …;Pwd=secret;
  { kind: 'password-parameter', regex: /\blogin[ \t]+\S+[ \t]+(?:password|passwd)[ \t]+(\S+)/gi, group: 1, hint: (t) => /login/i.test(t), trigger: { literals: ['login'] } },
  { kind: 'password-parameter', regex: /;[ \t]*(?:pwd|pass)[ \t]*=[ \t]*([^;'"\s]+)/gi, group: 1, hint: (t) => /pwd|pass/i.test(t), trigger: { literals: ['pwd', 'pass'] } },
  // libpq conninfo and friends: password=secret, password='sec ret'.
  { kind: 'password-parameter', regex: /\bpassword[ \t]*=[ \t]*('[^'\n]*'|"[^"\n]*"|[^\s'";&]+)/gi, group: 1, hint: (t) => /password/i.test(t), trigger: { literals: ['password'] } },
  // PGPASSWORD=…, AWS_SECRET_ACCESS_KEY=…, "SecretAccessKey": "…", aws_session_token = …, api_key: …,
  // AccountKey=… in an Azure connection string. The label is any identifier the name rule calls secret.
  {
    kind: 'secret-assignment',
    // Anchored on a secret-ish word (fast); the whole identifier around it is judged in `accept`.
    regex: /(secret|passw|passphrase|pwd|pass|token|key|private|credential|auth|cookie|jwt|dsn|bearer|pat(?![a-z])|docker|htpasswd)([A-Za-z0-9_.-]{0,80})(["']?[ \t]*(?::=|=>|[=:])[ \t]*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s'",;&]+)/gi,
    group: 4,
    hint: (t) => /[=:]/.test(t) && /secret|passw|passphrase|pwd|pass\b|token|key|private|credential|auth|cookie|jwt|dsn|bearer|_pat|\bpat\b|docker|htpasswd/i.test(t),
    // `'…'::text` is a SQL cast, not an assignment.
    accept: ([, word, tail, separator, value], before) =>
      !(separator!.trim().endsWith(':') && value!.startsWith(':')) && looksSecretAssignment((IDENTIFIER_END.exec(before)?.[0] ?? '') + word! + tail!) && usableValue(value),
    trigger: { literals: ['secret', 'pass', 'pwd', 'token', 'key', 'private', 'credential', 'auth', 'cookie', 'jwt', 'dsn', 'bearer', 'docker'], wordEnd: ['pat'] },
  },
  // --password hunter2, --client-secret x, --token x (the `=` form is an assignment above).
  {
    kind: 'secret-flag',
    regex: /(?<![A-Za-z0-9_-])--?([A-Za-z][A-Za-z0-9-]*)[ \t]+("[^"\r\n]*"|'[^'\r\n]*'|[^\s'"-][^\s'"]*)/g,
    group: 2,
    hint: (t) => t.includes('-') && /secret|passw|passphrase|token|key|credential|auth|pwd|pass/i.test(t),
    accept: ([, name, value]) => looksSecretAssignment(name!) && usableValue(value),
    // Every word the name rule (secretName.ts) calls secret contains one of these.
    trigger: { literals: ['pass', 'secret', 'credential', 'token', 'key', 'auth', 'cookie', 'bearer', 'jwt', 'pw', 'private', 'docker', 'dsn'], wordEnd: ['pat'] },
  },
  // mysql -pPASSWORD, sshpass -p PASSWORD, redis-cli -a PASSWORD, curl -u user:PASSWORD.
  {
    kind: 'secret-flag',
    regex: /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n|;&]*?[ \t]-p(?!\s)([^\s'"]+)|\bsshpass[ \t]+-p[ \t]*([^\s'"]+)|\bredis-cli\b[^\n|;&]*?[ \t]-a[ \t]+([^\s'"]+)|(?:^|[ \t])(?:-u|--user)[ \t]+['"]?[^\s:'"]+:([^\s'"@]+)/gm,
    hint: (t) => /mysql|mariadb|sshpass|redis-cli|-u|--user/.test(t),
    trigger: { literals: ['mysql', 'mariadb', 'sshpass', 'redis-cli', '-u'] },
  },
  // An unnamed vendor's credential: a word prefix (`pscale_`, `xkeysib-`, `zk_live_`), then a long random
  // run. Without a prefix a random run is as likely to be base64 data, which is left alone.
  {
    kind: 'token',
    regex: /(?<![A-Za-z0-9_+/=.-])[A-Za-z][A-Za-z0-9]{1,11}(?:[_-][A-Za-z0-9]{1,8})?[_-][A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_+/=-])/g,
    hint: (t) => /[_-][A-Za-z0-9_-]{20}/.test(t),
    accept: ([m]) => randomLooking(m!.replace(/^[A-Za-z][A-Za-z0-9]{1,11}(?:[_-][A-Za-z0-9]{1,8})?[_-]/, ''), 3.9),
    trigger: { wordRun: 23, confirm: /[_-][A-Za-z0-9_-]{20}/ },
  },
];

/** Whether the text holds anything the patterns call a secret (a placeholder value typed by hand). */
export function findsSecret(text: string): boolean {
  return redactString(text).text !== text;
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
// CSI, OSC and two-character escapes.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;

/** A line longer than this with no newline is redacted as it stands, so memory stays bounded. */
const MAX_PENDING = 1024 * 1024;
/** Blocks at least this large are first scanned for the lines worth matching; smaller ones are matched whole. */
const SCAN_MIN = 8 * 1024;
const NO_BYTES = Buffer.alloc(0);

// One scanner per set of known secrets (they are literals of it), built on first use.
const scanners = new Map<string, LineScanner | null>();
function lineScannerFor(known: string[]): LineScanner | null {
  const key = known.join('\u0000');
  let scanner = scanners.get(key);
  if (scanner === undefined) {
    // A pattern without a trigger, or a known secret that spans lines, could match where no trigger is.
    const usable = PATTERNS.every((p) => p.trigger) && !known.some((s) => s.includes('\n'));
    scanner = usable ? new LineScanner([...PATTERNS.map((p) => p.trigger!), { literals: known }]) : null;
    if (scanners.size >= 16) scanners.clear();
    scanners.set(key, scanner);
  }
  return scanner;
}
const MIN_KNOWN_SECRET = 4;

/** A known secret as it may appear in output: as typed, URL-encoded, JSON-escaped, base64. */
function encodings(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  if (secret.length >= 8) forms.push(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
  return forms;
}

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
  private pending: Buffer = NO_BYTES;
  private inPrivateKey = false;
  private readonly known: string[];

  constructor(options: RedactorOptions = {}) {
    // Longest first, so a secret that contains another is replaced whole. Known secrets are matched on
    // the latin1 form of their UTF-8 bytes, the form the text is handled in.
    this.known = [...new Set((options.knownSecrets ?? []).filter((s) => s.length >= MIN_KNOWN_SECRET).flatMap(encodings))]
      .filter((s) => s.length >= MIN_KNOWN_SECRET)
      .map((s) => Buffer.from(s, 'utf8').toString('latin1'))
      .sort((a, b) => b.length - a.length);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + (b ?? 0), 0);
  }

  /** Feed a chunk; returns the redacted bytes of every line completed so far. */
  write(chunk: Buffer | string): Buffer {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const text = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const lastNewline = text.lastIndexOf(0x0a);
    let ready: Buffer;
    if (lastNewline >= 0) {
      ready = text.subarray(0, lastNewline + 1);
      // A copy: the unfinished line must not keep the whole chunk alive.
      this.pending = Buffer.from(text.subarray(lastNewline + 1));
    } else if (text.length > MAX_PENDING) {
      ready = text;
      this.pending = NO_BYTES;
    } else {
      this.pending = text === bytes ? Buffer.from(bytes) : text;
      return NO_BYTES;
    }
    return this.redactBlock(ready);
  }

  /** The redacted rest, after the last chunk. */
  end(): Buffer {
    const rest = this.pending;
    this.pending = NO_BYTES;
    return rest.length ? this.redactBlock(rest) : NO_BYTES;
  }

  /**
   * Redact a block of whole lines (the last may be unfinished). A large block is scanned for the lines a
   * pattern could match (every pattern stays within one line); only those are matched, every other line
   * is returned as the same bytes, and a block with none is returned as it came.
   */
  private redactBlock(block: Buffer): Buffer {
    const found = block.length >= SCAN_MIN ? this.candidateLines(block) : undefined;
    if (!found) return Buffer.from(this.redactLines(block.toString('latin1')), 'latin1');
    const { ranges, masks } = found;
    if (!ranges.length) return block;
    const lines: string[] = [];
    for (let i = 0; i < ranges.length; i += 2) lines.push(block.toString('latin1', ranges[i], ranges[i + 1]));
    const before = { ...this.counts };
    let changed = false;
    // Known secrets, then each pattern in order (trigger i is pattern i; the last, known secrets), each
    // on the lines that hold its trigger, joined: patterns never cross a newline.
    for (let step = -1; step < PATTERNS.length; step++) {
      const bit = 1 << (step < 0 ? PATTERNS.length : step);
      const chosen: number[] = [];
      for (let i = 0; i < masks.length; i++) if (masks[i]! & bit) chosen.push(i);
      if (!chosen.length) continue;
      const text = chosen.map((i) => lines[i]).join('');
      if (step >= 0 && PATTERNS[step]!.trigger!.confirm?.test(text) === false) continue;
      const redacted = this.redactSimple(text, step < 0 ? 'known' : PATTERNS[step]!);
      if (redacted === text) continue;
      const out = redacted.split('\n');
      if (out.length !== chosen.length + (text.endsWith('\n') ? 1 : 0)) {
        // Not one line out per line in: match the block whole instead.
        for (const kind of Object.keys(this.counts) as RedactionKind[]) this.counts[kind] = before[kind];
        return Buffer.from(this.redactLines(block.toString('latin1')), 'latin1');
      }
      chosen.forEach((line, k) => (lines[line] = lines[line]!.endsWith('\n') ? `${out[k]}\n` : out[k]!));
      changed = true;
    }
    if (!changed) return block;
    const parts: Buffer[] = [];
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      parts.push(block.subarray(at, ranges[2 * i]), Buffer.from(lines[i]!, 'latin1'));
      at = ranges[2 * i + 1]!;
    }
    parts.push(block.subarray(at));
    return Buffer.concat(parts);
  }

  /** The lines worth matching, or undefined when the block must be matched whole. */
  private candidateLines(block: Buffer): Candidates | undefined {
    // An escape code can split a secret, and a private key spans lines: such blocks are matched whole.
    if (this.inPrivateKey || block.includes(0x1b) || block.includes('PRIVATE KEY', 0, 'latin1')) return undefined;
    return lineScannerFor(this.known)?.candidates(block);
  }

  /** Every pattern tried on every line of the text: no hints, no scan. What the scanned path must equal. */
  redactEveryLine(text: string): string {
    return this.redactSimple(Buffer.from(text, 'utf8').toString('latin1'), 'every');
  }

  /** Redact a whole string at once (a command line, a note). */
  redactText(text: string): string {
    const out = Buffer.concat([this.write(text), this.end()]);
    this.inPrivateKey = false;
    return out.toString('utf8');
  }

  private counting = true;

  private count(kind: RedactionKind): void {
    if (!this.counting) return;
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
    if (redacted === plain) return line;
    if (plain === line) return redacted;
    // When the secrets are found in the line as it came too, keep its escapes: evidence stays exact
    // but for the secrets. Otherwise an escape split a secret, and the line goes without escapes.
    this.counting = false;
    const direct = this.redactSimple(line);
    this.counting = true;
    return direct.replace(ANSI, '') === redacted ? direct : redacted;
  }

  /**
   * `hinted`: known secrets, then each pattern whose hint passes; `every`: no hints; `known`: known secrets
   * only; a pattern: that one only, no hint (on lines known to hold its trigger).
   */
  private redactSimple(text: string, scope: 'hinted' | 'every' | 'known' | Pattern = 'hinted'): string {
    let out = text;
    for (const secret of typeof scope === 'string' ? this.known : []) {
      if (!out.includes(secret)) continue;
      const parts = out.split(secret);
      for (let i = 1; i < parts.length; i++) this.count('known-secret');
      out = parts.join(marker('known-secret'));
    }
    for (const pattern of typeof scope === 'string' ? (scope === 'known' ? [] : PATTERNS) : [scope]) {
      const { kind, regex, group, hint, accept } = pattern;
      if (scope === 'hinted' && !hint(out)) continue;
      regex.lastIndex = 0;
      out = out.replace(regex, (match: string, ...rest: unknown[]) => {
        const offset = rest[rest.length - 2] as number;
        const whole = rest[rest.length - 1] as string;
        const groups = rest.slice(0, -2) as string[];
        if (accept && !accept([match, ...groups], whole.slice(Math.max(0, offset - 100), offset))) return match;
        if (group === undefined && groups.some((g) => typeof g === 'string')) {
          // Alternatives with one capture each: the one that matched is the secret.
          const secret = groups.find((g) => typeof g === 'string' && g)!;
          this.count(kind);
          const at = match.lastIndexOf(secret);
          return match.slice(0, at) + marker(kind) + match.slice(at + secret.length);
        }
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

// Fields that hold structure, not text: hashes, sizes, times, the signer's public key.
const STRUCTURAL = new Set(['seq', 'ts', 'type', 'prev', 'sha256', 'size', 'head', 'key', 'fingerprint', 'events', 'session']);

/**
 * Redact every string inside an event's fields (titles, notes, paths, nested objects), leaving structural
 * fields alone. The safety net under the session log: whatever a caller forgot to redact is caught here.
 */
export function redactFields<T>(value: T, options: RedactorOptions = {}, counts: RedactionCounts = {}): T {
  const visit = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (key && STRUCTURAL.has(key)) return v;
      const { text, counts: found } = redactString(v, options);
      for (const [kind, n] of Object.entries(found)) counts[kind as RedactionKind] = (counts[kind as RedactionKind] ?? 0) + (n ?? 0);
      return text;
    }
    if (Array.isArray(v)) return v.map((item) => visit(item));
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      if (key === 'redactions') return v;
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) out[k] = visit(inner, k);
      return out;
    }
    return v;
  };
  return visit(value) as T;
}
