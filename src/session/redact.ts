// Secret redaction before anything reaches the session log or evidence (the README says why the
// patterns are our own: secretlint misses Supabase keys, libpq passwords and AWS session tokens).
//
// Text is handled as latin1 so every byte survives unchanged: the patterns are ASCII, and a line with
// no secret is written back byte for byte. Output is buffered by line so a secret split across two
// chunks is still seen whole; ANSI escapes are stripped for matching only.

import { SecretColumns } from './secretColumns.js';
import { looksSecretAssignment, looksSecretName } from './secretName.js';

export type RedactionKind =
  | 'private-key'
  | 'jwt'
  | 'supabase-access-token'
  | 'supabase-secret-key'
  | 'url-password'
  | 'password-parameter'
  | 'password-hash'
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'auth-header'
  | 'secret-assignment'
  | 'secret-flag'
  | 'signed-url'
  | 'token'
  | 'known-secret';

interface Pattern {
  kind: RedactionKind;
  regex: RegExp;
  /** Which capture group is the secret; the whole match when absent. */
  group?: number;
  /** A cheap test that must pass before the regex is worth running. */
  hint: (text: string) => boolean;
  /** A last check on the match; false keeps the match as it is. */
  accept?: (match: string[], before: string) => boolean;
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
  [/pul-/, 'pul-[a-f0-9]{40}'], // Pulumi
  [/sk\.eyJ/, 'sk\\.eyJ[A-Za-z0-9_-]{20,}\\.[A-Za-z0-9_-]{20,}'], // Mapbox secret token
  [/ATBB/, 'ATBB[A-Za-z0-9_=.-]{32,}'], // Bitbucket app password
  [/sl\./, 'sl\\.[A-Za-z0-9_-]{130,}'], // Dropbox short-lived token
];
const TOKEN_HINT = new RegExp(TOKEN_SHAPES.map(([p]) => p.source).join('|'));
// No lookbehind in front, so the engine can look for the literal prefixes; the start is checked in `accept`.
const TOKEN_REGEX = new RegExp(`(?:${TOKEN_SHAPES.map(([, s]) => s).join('|')})(?![A-Za-z0-9_])`, 'g');
const TOKEN_START_OK = (before: string) => !/[A-Za-z0-9_+-]$/.test(before);
// Shapes that start with a character class, each behind its own cheap test.
const CLASS_SHAPES: Array<[hint: RegExp, regex: RegExp]> = [
  [/\dQ~/, /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g], // Azure AD client secret
  [/\d{8}:AA/, /(?<![0-9])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])/g], // Telegram bot
  [/\.atlasv1\./, /(?<![A-Za-z0-9])[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}/g], // Terraform Cloud
  [/pat[A-Za-z0-9]{14}\./, /(?<![A-Za-z0-9])pat[A-Za-z0-9]{14}\.[a-f0-9]{64}(?![A-Za-z0-9])/g], // Airtable
  [/-us\d/, /(?<![A-Za-z0-9])[0-9a-f]{32}-us\d{1,2}(?![A-Za-z0-9])/g], // Mailchimp
  [/\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27}/, /(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/g], // Discord bot
];

// Values that are not secrets even after a secret-looking label: references, placeholders, booleans.
/** The identifier that `text` ends with (`[A-Za-z0-9_.-]*`), found from the end: a regular expression anchored at `$` tries every start. */
function identifierEnd(text: string): string {
  let i = text.length;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45)) break;
    i--;
  }
  return text.slice(i);
}

const NOT_A_VALUE = /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^<>]*>|\{\{[^{}]*\}\}|true|false|null|nil|none|undefined|(?:\[REDACTED:[a-z-]+\])+|\*+|\.\.\.|…)$/i;
const MARKERS_AT_START = /^(?:\[REDACTED:[a-z-]+\])+/;

function usableValue(value: string | undefined): boolean {
  if (!value) return false;
  const v = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
  // `<your key>` cut at its space is a placeholder too.
  return v.trim() !== '' && !NOT_A_VALUE.test(v.trim()) && !/^<[A-Za-z][^<>]*$/.test(v.trim());
}

/** `"pass": …`, `"pwd": …`: too short a name to call secret in prose, but a quoted key in JSON is a field. */
function quotedShortPasswordKey(name: string, before: string, separator: string): boolean {
  return /^(?:pass|pwd|pw)$/i.test(name) && /\\?"$/.test(before) && /^\\?"/.test(separator);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Whether text holds `length` base64 characters (`[A-Za-z0-9/+]`) in a row: one pass, where a regular expression tries every start. */
function hasBase64Run(text: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47) {
      if (++run >= length) return true;
    } else run = 0;
  }
  return false;
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
const PATTERNS: Pattern[] = [
  { kind: 'jwt', regex: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, hint: (t) => t.includes('eyJ') },
  { kind: 'supabase-access-token', regex: /\bsbp_[a-f0-9]{40}\b/g, hint: (t) => t.includes('sbp_') },
  { kind: 'supabase-secret-key', regex: /\bsb_secret_[A-Za-z0-9_-]{8,}/g, hint: (t) => t.includes('sb_secret_') },
  { kind: 'token', regex: TOKEN_REGEX, hint: (t) => TOKEN_HINT.test(t), accept: (_m, before) => TOKEN_START_OK(before) },
  ...CLASS_SHAPES.map(([hint, regex]): Pattern => ({ kind: 'token', regex, hint: (t) => hint.test(t) })),
  // scheme://user:PASSWORD@host — greedy, so a stray @ inside the password does not leave a piece behind.
  { kind: 'url-password', regex: /\b[a-z][a-z0-9+.-]*:(?:\\?\/){2}[^\s:/@'"]*:([^\s/'"]+)@/gi, group: 1, hint: (t) => t.includes('://') || t.includes(':\\/\\/') },
  // Pre-signed and SAS URLs carry their credential in the query.
  {
    kind: 'signed-url',
    regex: /[?&](?:sig|signature|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|X-Goog-Signature|X-Goog-Credential|Signature|Key-Pair-Id|token|access_token|code)=([^\s&'"#]+)/g,
    group: 1,
    hint: (t) => /[?&][A-Za-z_-]+=/.test(t),
  },
  { kind: 'aws-access-key-id', regex: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z2-7]{16}\b/g, hint: (t) => /A3T|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA/.test(t) },
  // The 40-character AWS secret on its own (`aws configure get`, a pasted pair): base64 with mixed case and digits.
  {
    kind: 'aws-secret-access-key',
    regex: /(?<![A-Za-z0-9/+=_.-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g,
    hint: (t) => hasBase64Run(t, 40),
    accept: ([m]) => randomLooking(m!, 3.5) && /[/+]|^[A-Za-z0-9]{40}$/.test(m!) && !/^[0-9a-f]{40}$/i.test(m!),
  },
  {
    kind: 'auth-header',
    regex: /\b(?:authorization|proxy-authorization|apikey|x-api-key|api-key|cookie|set-cookie|x-auth-token|x-access-token|private-token|dd-api-key|dd-application-key)[ \t]*:[ \t]*([^"'\s][^"'\r\n]*)/gi,
    group: 1,
    hint: (t) => /authorization|api-?key|cookie|token/i.test(t),
  },
  // Bearer/Basic credentials wherever they stand (a JSON header map, a YAML value, prose).
  {
    kind: 'auth-header',
    regex: /\b(?:[Bb]earer|BEARER|Basic|Digest|Token)[ \t]+([A-Za-z0-9._~+/=-]{8,})/g,
    group: 1,
    hint: (t) => /bearer|basic|digest|token/i.test(t),
    accept: ([m, v]) => (/^basic/i.test(m!) ? basicCredentials(v!) : /[0-9._~+/=-]/.test(v!) || v!.length >= 20),
  },
  // Password hashes are as good as the password to anyone who can try guesses offline, and PostgreSQL's md5
  // and SCRAM verifiers log in as they stand (pass-the-hash): PostgreSQL `md5…` and `SCRAM-SHA-256$…`,
  // crypt(3) and htpasswd (`$2b$`, `$6$`, `$y$`, `$apr1$`), argon2, Django's pbkdf2, LDAP `{SSHA}`, MySQL `*…`.
  {
    kind: 'password-hash',
    regex: new RegExp(
      [
        '(?<![A-Za-z0-9_])md5[0-9a-f]{32}(?![A-Za-z0-9_])',
        'SCRAM-SHA-256\\$\\d{1,7}:[A-Za-z0-9+/]+={0,2}\\$[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}',
        '\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}',
        '\\$(?:1|5|6|md5|sha1|apr1)\\$(?:rounds=\\d+\\$)?[./A-Za-z0-9]{1,64}\\$[./A-Za-z0-9]{22,}',
        '\\$(?:y|gy|7)\\$[./A-Za-z0-9]+\\$[./A-Za-z0-9]+\\$[./A-Za-z0-9]{20,}',
        '\\$argon2(?:id|i|d)\\$(?:v=\\d+\\$)?m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+',
        'pbkdf2_sha(?:1|256|512)\\$\\d+\\$[A-Za-z0-9./+=]+\\$[A-Za-z0-9./+=]{20,}',
        '\\{(?:SSHA|SSHA256|SSHA512|SHA|SHA256|SHA512|SMD5|MD5|CRYPT|PBKDF2(?:-SHA\\d+)?)\\}[A-Za-z0-9+/=.$]{20,}',
        '(?<![A-Za-z0-9*])\\*[0-9A-F]{40}(?![A-Za-z0-9])',
      ].join('|'),
      'g',
    ),
    hint: (t) => t.includes('md5') || t.includes('$') || t.includes('}') || (t.includes('*') && /\*[0-9A-F]{40}/.test(t)),
  },
  // A .pgpass line, `host:port:database:user:password` (`\:` and `\\` escaped), as `cat` shows it or as it
  // is echoed into the file. The host is `*` or holds a letter, a dot or an escape; the port is `*` or a
  // number; exactly five fields, so /etc/passwd lines, times and MAC addresses are not one.
  {
    kind: 'password-parameter',
    regex: /(?<![^\s'"])(\*|(?:[^:\s\\'"]|\\.)*(?:[A-Za-z.]|\\.)(?:[^:\s\\'"]|\\.)*):(\*|\d{1,5}):((?:[^:\s\\'"]|\\.)+):((?:[^:\s\\'"]|\\.)+):((?:[^:\s\\'"]|\\.)+)(?=$|[\s'"])/gm,
    group: 5,
    hint: (t) => /:(?:\*|\d{1,5}):/.test(t),
    accept: ([, host, , database, user, password]) =>
      ![host, database, user, password].every((field) => /^[0-9a-f]{1,4}$/i.test(field!)) && usableValue(password) && !/^(?:password|passwd|\*)$/i.test(password!),
  },
  // SQL: CREATE/ALTER ROLE … PASSWORD 'secret', MySQL IDENTIFIED BY 'secret'.
  { kind: 'password-parameter', regex: /\b(?:PASSWORD|IDENTIFIED[ \t]+BY)[ \t]+'((?:[^'\n]|'')*)'/gi, group: 1, hint: (t) => /password|identified/i.test(t) },
  // .netrc: machine HOST login USER password SECRET; connection strings: …;Pwd=secret;
  { kind: 'password-parameter', regex: /\blogin[ \t]+\S+(?:[ \t]+|[ \t]*\r?\n[ \t]*)(?:password|passwd)[ \t]+(\S+)/gi, group: 1, hint: (t) => /login/i.test(t) },
  { kind: 'password-parameter', regex: /;[ \t]*(?:pwd|pass)[ \t]*=[ \t]*([^;'"\s]+)/gi, group: 1, hint: (t) => /pwd|pass/i.test(t) },
  // libpq conninfo and friends: password=secret, password='sec ret'.
  { kind: 'password-parameter', regex: /\bpassword[ \t]*=[ \t]*('[^'\n]*'|"[^"\n]*"|[^\s'";&]+)/gi, group: 1, hint: (t) => /password/i.test(t) },
  // PGPASSWORD=…, AWS_SECRET_ACCESS_KEY=…, "SecretAccessKey": "…", aws_session_token = …, api_key: …,
  // AccountKey=… in an Azure connection string. The label is any identifier the name rule calls secret.
  {
    kind: 'secret-assignment',
    // Anchored on a secret-ish word (fast); the whole identifier around it is judged in `accept`.
    regex: /(secret|passw|passphrase|pwd|pass|token|key|private|credential|auth|cookie|jwt|dsn|bearer|pat(?![a-z])|docker|htpasswd)([A-Za-z0-9_.-]{0,80})((?:\\?["'])?[ \t]*(?::=|=>|[=:])[ \t]*)(\\"(?:[^"\\\r\n]|\\(?!")|\\\\)*\\"|"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s'",;&\\]+)/gi,
    group: 4,
    hint: (t) => /[=:]/.test(t) && /secret|passw|passphrase|pwd|pass\b|token|key|private|credential|auth|cookie|jwt|dsn|bearer|_pat|\bpat\b|docker|htpasswd/i.test(t),
    // `'…'::text` is a SQL cast, not an assignment.
    accept: ([, word, tail, separator, value], before) =>
      !(separator!.trim().endsWith(':') && value!.startsWith(':')) &&
      (looksSecretAssignment(identifierEnd(before) + word! + tail!) || quotedShortPasswordKey(word! + tail!, before, separator!)) &&
      usableValue(value!.replace(/^\\"(.*)\\"$/, '$1')),
  },
  // --password hunter2, --client-secret x, --token x (the `=` form is an assignment above).
  {
    kind: 'secret-flag',
    regex: /(?<![A-Za-z0-9_-])--?([A-Za-z][A-Za-z0-9-]*)[ \t]+("[^"\r\n]*"|'[^'\r\n]*'|[^\s'"-][^\s'"]*)/g,
    group: 2,
    hint: (t) => t.includes('-') && /secret|passw|passphrase|token|key|credential|auth|pwd|pass/i.test(t),
    accept: ([, name, value]) => looksSecretAssignment(name!) && usableValue(value),
  },
  // mysql -pPASSWORD, sshpass -p PASSWORD, redis-cli -a PASSWORD, curl -u user:PASSWORD.
  {
    kind: 'secret-flag',
    regex: /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump)\b[^\n|;&]*?[ \t]-p(?!\s)([^\s'"]+)|\bsshpass[ \t]+-p[ \t]*([^\s'"]+)|\bredis-cli\b[^\n|;&]*?[ \t]-a[ \t]*([^\s'"]+)|(?:^|[ \t])(?:-u|--user)[ \t]+['"]?[^\s:'"]+:([^\s'"@]+)/gm,
    hint: (t) => /mysql|mariadb|sshpass|redis-cli|-u|--user/.test(t),
  },
  // Passwords other tools take as arguments, each after its own program name: keytool and jarsigner
  // `-storepass`, openssl `-pass pass:X` and `-k X`, ldap* `-w`, smbclient `-U user%X`, sqlcmd/bcp `-P`,
  // mongo tools `-p`, `htpasswd -b … X`, `docker|podman|helm registry login -p`, `ssh-keygen -N|-P`,
  // zip/unzip `-P`, 7z `-pX`, `gh secret set --body X`, redis `AUTH [user] X`, MySQL `SET PASSWORD … = 'X'`.
  {
    kind: 'secret-flag',
    regex: new RegExp(
      [
        '\\b(?:keytool|jarsigner)\\b[^\\n|;&]*?[ \\t]-(?:src|dest)?(?:store|key)pass[ \\t]+([^\\s\'"]+)',
        '\\bopenssl\\b[^\\n|;&]*?[ \\t]-(?:pass|passin|passout)[ \\t]+pass:([^\\s\'"]+)',
        '\\bopenssl\\b[^\\n|;&]*?[ \\t]-k[ \\t]+([^\\s\'"-][^\\s\'"]*)',
        '\\bldap(?:search|modify|add|delete|whoami|passwd|compare|modrdn)\\b[^\\n|;&]*?[ \\t]-w[ \\t]+([^\\s\'"]+)',
        '\\b(?:smbclient|rpcclient|smbmap|smbcacls)\\b[^\\n|;&]*?[ \\t](?:-U|--user(?:name)?=?)[ \\t]*[^\\s%\'"]+%([^\\s\'"]+)',
        '\\b(?:sqlcmd|bcp|osql|isql)\\b[^\\n|;&]*?[ \\t]-P[ \\t]*([^\\s\'"-][^\\s\'"]*)',
        '\\bmongo(?:sh|dump|restore|export|import|stat|top)?\\b[^\\n|;&]*?[ \\t]-p[ \\t]+([^\\s\'"-][^\\s\'"]*)',
        '\\bhtpasswd\\b[^\\n|;&]*?[ \\t]-[A-Za-z]*b[A-Za-z]*\\b[^\\n|;&]*?[ \\t]([^\\s\'"|;&]+)[ \\t]*(?=$|[|;&])',
        '\\b(?:docker|podman|nerdctl|buildah|skopeo|helm[ \\t]+registry|oras|crane)\\b[^\\n|;&]*?\\blogin\\b[^\\n|;&]*?[ \\t]-p[ \\t]+([^\\s\'"-][^\\s\'"]*)',
        '\\bssh-keygen\\b[^\\n|;&]*?[ \\t]-[NP][ \\t]+(?:\'([^\'\\n]+)\'|"([^"\\n]+)"|([^\\s\'"-][^\\s\'"]*))',
        '\\b(?:zip|unzip|zipcloak)\\b[^\\n|;&]*?[ \\t]-P[ \\t]+([^\\s\'"]+)',
        '\\b7z[az]?\\b[^\\n|;&]*?[ \\t]-p([^\\s\'"]+)',
        '\\bgh[ \\t]+secret[ \\t]+set\\b[^\\n|;&]*?[ \\t](?:--body|-b)(?:[ \\t]+|=)([^\\s\'"]+)',
        '(?:^|> )(?:AUTH|auth)[ \\t]+(?:[^\\s\'"]+[ \\t]+)?([^\\s\'"]+)[ \\t]*$',
        '\\bSET[ \\t]+PASSWORD\\b[^\\n;]*?=[ \\t]*(?:PASSWORD\\([ \\t]*)?\'((?:[^\'\\n]|\'\')+)\'',
      ].join('|'),
      'gm',
    ),
    // Every flag form has ` -` (a cheap test on text that has none); AUTH and SET PASSWORD have none.
    hint: (t) => (t.includes(' -') && /keytool|jarsigner|openssl|ldap|smb|rpcclient|sqlcmd|bcp|osql|isql|mongo|htpasswd|login|ssh-keygen|zip|7z|secret[ \t]+set/.test(t)) || /AUTH|auth|PASSWORD/.test(t),
  },
  // A URL whose user is a token (`https://TOKEN@github.com`, a Sentry DSN `https://KEY@o1.ingest.sentry.io`).
  {
    kind: 'url-password',
    regex: /\b[a-z][a-z0-9+.-]*:\/\/([^\s:/@'"]{16,})@/gi,
    group: 1,
    hint: (t) => t.includes('://') && t.includes('@'),
    accept: ([, user]) => randomLooking(user!, 3.5) || /^[0-9a-f]{32,}$/i.test(user!),
  },
  // The value of a secret-named variable given as a name/value pair: a Kubernetes container's env
  // (`- name: DB_PASSWORD` then `value: …`, also as JSON) and ECS/CloudFormation's `{"Name": …, "Value": …}`.
  {
    kind: 'secret-assignment',
    regex: /"(?:name|Name|key|Key)"[ \t]*:[ \t]*"([A-Za-z_][A-Za-z0-9_.-]*)"[ \t]*,[ \t]*"(?:value|Value)"[ \t]*:[ \t]*"((?:[^"\\\r\n]|\\.)+)"/g,
    group: 2,
    hint: (t) => t.includes('"value"') || t.includes('"Value"'),
    accept: ([, name]) => looksSecretName(name!),
  },
  {
    kind: 'secret-assignment',
    regex: /\bname:[ \t]*["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*\r?\n[ \t]*(?:-[ \t]+)?value:[ \t]*("[^"\n]+"|'[^'\n]+'|[^\s'"]+)/g,
    group: 2,
    hint: (t) => t.includes('value:') && t.includes('name:'),
    accept: ([, name, value]) => looksSecretName(name!) && usableValue(value),
  },
  // `<password>…</password>` in XML (Maven settings.xml, .NET configs).
  {
    kind: 'secret-assignment',
    regex: /<([A-Za-z_][A-Za-z0-9_.:-]*)>([^<>\s][^<>\n]*)<\/\1>/g,
    group: 2,
    hint: (t) => t.includes('</'),
    accept: ([, name, value]) => looksSecretAssignment(name!.replace(/^.*:/, '')) && usableValue(value),
  },
  // URL-encoded labels: `password%3Dhunter2` in a logged query string, `%22password%22%3A%22…%22` in an encoded JSON body.
  {
    kind: 'secret-assignment',
    regex: /([A-Za-z_][A-Za-z0-9_.-]*)(?:%22)?(?:%3[Dd]|%3[Aa])(?:%20)*(?:%22)?((?:[^\s&'"%;,]|%(?!2[26]|3[Bb]|2[Cc])[0-9A-Fa-f]{2})+)/g,
    group: 2,
    hint: (t) => t.includes('%3') && /%3[DdAa]/.test(t),
    accept: ([, name, value]) => looksSecretAssignment(name!) && usableValue(safeDecode(value!)),
  },
  // Two columns, a secret-named label and its value: psql's expanded display (`password | …`), `vault kv get`.
  {
    kind: 'secret-assignment',
    regex: /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*\|[ \t]*(\S(?:[^\n|]*\S)?)[ \t]*$/gm,
    group: 2,
    hint: (t) => t.includes('|') && /passw|secret|token|key|credential|pass\b|pwd/i.test(t),
    accept: ([, name, value]) => looksSecretAssignment(name!) && usableValue(value),
  },
  {
    kind: 'secret-assignment',
    regex: /^[ \t]*([A-Za-z_][A-Za-z0-9_.-]*)[ \t]{2,}([^\s'"]+)[ \t]*$/gm,
    group: 2,
    hint: (t) => (t.includes('  ') || t.includes('\t')) && /passw|secret|token|key|credential|pass\b|pwd/i.test(t) && /[A-Za-z0-9_.-][ \t]{2,}[^\s'"]+[ \t]*$/m.test(t),
    accept: ([, name, value]) => looksSecretAssignment(name!) && usableValue(value),
  },
  // An unnamed vendor's credential: a word prefix (`pscale_`, `xkeysib-`, `zk_live_`), then a long random
  // run. Without a prefix a random run is as likely to be base64 data, which is left alone.
  {
    kind: 'token',
    regex: /(?<![A-Za-z0-9_+/=.-])[A-Za-z][A-Za-z0-9]{1,11}(?:[_-][A-Za-z0-9]{1,8})?[_-][A-Za-z0-9_-]{20,200}(?![A-Za-z0-9_+/=-])/g,
    hint: (t) => /[_-][A-Za-z0-9_-]{20}/.test(t),
    accept: ([m]) => randomLooking(m!.replace(/^[A-Za-z][A-Za-z0-9]{1,11}(?:[_-][A-Za-z0-9]{1,8})?[_-]/, ''), 3.9),
  },
];

// Values that span lines. A YAML block scalar under a secret-named key (`password: |` and the lines
// indented below it) and a Kubernetes env entry (`- name: DB_PASSWORD` then `value: …`) are matched on
// the block of complete lines; `heldBack` keeps an entry that is still open at the end of a block for the
// next one, so a chunk boundary between its lines does not split it.
const YAML_BLOCK = /^([ \t]*)(?:-[ \t]+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*:[ \t]*[|>][+-]?\d?[ \t]*\r?\n((?:\1[ \t]+[^\n]*(?:\n|$)|[ \t]*\r?\n)+)/gm;
const OPEN_AT_END = /(?:^|\n)(?:Private-Lines:[ \t]*\d+[ \t]*\r?\n(?:[A-Za-z0-9+/=]{4,}\r?\n)*|[ \t]*(?:-[ \t]+)?name:[ \t]*\S+[ \t]*\r?\n|[ \t]*(?:machine[ \t]+\S+[ \t]+)?login[ \t]+\S+[ \t]*\r?\n|([ \t]*)(?:-[ \t]+)?["']?[A-Za-z_][A-Za-z0-9_.-]*["']?[ \t]*:[ \t]*[|>][+-]?\d?[ \t]*\r?\n(?:\1[ \t]+[^\n]*\n|[ \t]*\r?\n)*)$/;
const HOLD_AT_MOST = 64 * 1024;

/** Where the lines of a block that can go now end: before an entry still open at its end. */
function heldBack(block: string): number {
  if (!block.includes('name:') && !block.includes('login') && !block.includes('Private-Lines:') && !block.includes('|') && !block.includes('>')) return block.length;
  const tail = block.slice(-HOLD_AT_MOST);
  const open = OPEN_AT_END.exec(tail);
  if (!open) return block.length;
  const start = block.length - tail.length + open.index + (open[0].startsWith('\n') ? 1 : 0);
  return start === 0 && block.length >= HOLD_AT_MOST ? block.length : start;
}

function redactYamlBlocks(text: string, count: () => void): string {
  if (!text.includes('|') && !text.includes('>')) return text;
  YAML_BLOCK.lastIndex = 0;
  return text.replace(YAML_BLOCK, (match: string, indent: string, name: string, body: string) => {
    if (!looksSecretAssignment(name) || !body.trim()) return match;
    count();
    const header = match.slice(0, match.length - body.length);
    const lines = body.split('\n');
    const inner = lines.find((line) => line.trim())!.match(/^[ \t]*/)![0];
    // One marker in place of the value; the lines keep their number so line references still hold.
    return header + lines.map((line, i) => (i === 0 ? `${inner}${marker('secret-assignment')}` : line.trim() ? inner : line)).join('\n');
  });
}

/** Whether the text holds anything the patterns call a secret (a placeholder value typed by hand). */
export function findsSecret(text: string): boolean {
  return redactString(text).text !== text;
}

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
const PEM_END = /-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;
// CSI, OSC and two-character escapes.
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
// Characters that draw nothing, as the UTF-8 bytes they are in latin1 text: zero-width space, (non-)joiner,
// word joiner and invisible operators (U+200B–D, U+2060–4), BOM (U+FEFF), variation selectors (U+FE00–F),
// soft hyphen, combining grapheme joiner, Mongolian vowel separator, tag characters and variation
// selectors 17–256 (U+E0000–E007F, U+E0100–E01EF). One inside a token splits it for a pattern but not for
// a reader, so they are removed for matching, like colour codes.
const INVISIBLE = /\u00e2\u0080[\u008b-\u008d]|\u00e2\u0081[\u00a0-\u00a4]|\u00ef\u00bb\u00bf|\u00ef\u00b8[\u0080-\u008f]|\u00c2\u00ad|\u00cd\u008f|\u00e1\u00a0\u008e|\u00f3\u00a0[\u0080\u0081\u0084-\u0087][\u0080-\u00bf]/g;
const MAYBE_INVISIBLE = /[\u00c2\u00cd\u00e1\u00e2\u00ef\u00f3]/;

function hasInvisible(text: string): boolean {
  if (!MAYBE_INVISIBLE.test(text)) return false;
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(text);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** The text as a reader sees it: no colour codes, nothing invisible. */
function seen(text: string): string {
  const plain = text.includes('\u001b') ? text.replace(ANSI, '') : text;
  return hasInvisible(plain) ? plain.replace(INVISIBLE, '') : plain;
}

/**
 * A line longer than this with no newline is redacted in pieces, so memory stays bounded. A piece ends
 * after a character no token holds (a space, a quote, `=`, `:`), never inside a known secret, and the
 * next piece is matched after the end of the one before, so a label and its value still meet.
 */
const MAX_PENDING = 1024 * 1024;
/** How far back from the end of the held text a piece's end is looked for. */
const CUT_SEARCH = 64 * 1024;
/** How much of a piece's (redacted) end is put before the next piece when matching it. */
const CONTEXT = 1024;
const TOKEN_CHAR = /[A-Za-z0-9_+/=.~%\-\u0080-\u00ff]/;
const MIN_KNOWN_SECRET = 4;

/**
 * A known secret as it may appear in output: as typed, URL-encoded, JSON-escaped, hex (psql's bytea,
 * `xxd -p`), and base64 (standard and URL-safe) of any text that holds it. Inside base64 a secret's bytes
 * are encoded whole only in the 3-byte groups that lie within it, and which those are depends on its
 * offset; so for each of the three offsets the encoding of those groups is a form of its own.
 */
function encodings(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  const bytes = Buffer.from(secret, 'utf8');
  if (bytes.length >= 6) forms.push(bytes.toString('hex'), bytes.toString('hex').toUpperCase());
  if (secret.length >= 8) {
    forms.push(bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'));
    for (let start = 0; start < 3; start++) {
      const whole = bytes.subarray(start, start + Math.floor((bytes.length - start) / 3) * 3);
      if (whole.length >= 6) forms.push(whole.toString('base64'), whole.toString('base64url'));
    }
  }
  return forms;
}

export type RedactionCounts = Partial<Record<RedactionKind, number>>;

export function marker(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

export interface RedactorOptions {
  /** Exact values always redacted: secret placeholder values, the database password, service keys. */
  knownSecrets?: string[];
  /** How much of a line with no newline is held before it is redacted in pieces (default 1 MiB; tests use less). */
  maxLineBytes?: number;
}

export class Redactor {
  readonly counts: RedactionCounts = {};
  private pending = '';
  private inPrivateKey = false;
  private readonly known: string[];
  private readonly maxPending: number;

  constructor(options: RedactorOptions = {}) {
    this.maxPending = options.maxLineBytes ?? MAX_PENDING;
    // Longest first, so a secret that contains another is replaced whole. Known secrets are matched on
    // the latin1 form of their UTF-8 bytes, the form the text is handled in.
    this.known = [...new Set((options.knownSecrets ?? []).filter((s) => s.length >= MIN_KNOWN_SECRET).flatMap(encodings))]
      .filter((s) => s.length >= MIN_KNOWN_SECRET)
      .map((s) => seen(Buffer.from(s, 'utf8').toString('latin1')))
      .filter((s) => s.length >= MIN_KNOWN_SECRET)
      .sort((a, b) => b.length - a.length);
  }

  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + (b ?? 0), 0);
  }

  /** Feed a chunk; returns the redacted bytes of every line completed so far. */
  write(chunk: Buffer | string): Buffer {
    const text = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8').toString('latin1') : chunk.toString('latin1');
    // Only the new text can hold a newline: the held text has none (a long line fed in small chunks stays linear).
    const newline = text.lastIndexOf('\n');
    const lastNewline = newline < 0 ? -1 : this.pending.length + newline;
    this.pending += text;
    let ready: string;
    if (lastNewline >= 0) {
      const held = heldBack(this.pending.slice(0, lastNewline + 1));
      ready = this.pending.slice(0, held);
      this.pending = this.pending.slice(held);
      if (!ready) return Buffer.alloc(0);
    } else if (this.pending.length > this.maxPending) {
      const cut = this.pieceEnd(this.pending);
      const piece = this.redactAfterContext(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
      this.context = (this.context + piece).slice(-CONTEXT);
      return Buffer.from(piece, 'latin1');
    } else {
      return Buffer.alloc(0);
    }
    return Buffer.from(this.redactAfterContext(ready), 'latin1');
  }

  /** The redacted rest, after the last chunk. */
  end(): Buffer {
    const rest = this.pending;
    this.pending = '';
    const out = rest ? this.redactAfterContext(rest) : '';
    this.context = '';
    return Buffer.from(out, 'latin1');
  }

  /** Redact a whole string at once (a command line, a note). */
  redactText(text: string): string {
    const out = Buffer.concat([this.write(text), this.end()]);
    this.inPrivateKey = false;
    return out.toString('utf8');
  }

  /** The redacted end of the last piece of an unfinished line, matched again before what follows it. */
  private context = '';

  private redactAfterContext(text: string): string {
    const context = this.context;
    this.context = '';
    if (!context) return this.redactLines(text);
    const counts = { ...this.counts };
    const inPrivateKey = this.inPrivateKey;
    const out = this.redactLines(context + text);
    if (out.startsWith(context)) return out.slice(context.length);
    // A match reached back into text already written: match the new text alone instead.
    for (const kind of Object.keys(this.counts) as RedactionKind[]) this.counts[kind] = counts[kind];
    this.inPrivateKey = inPrivateKey;
    return this.redactLines(text);
  }

  /** Where to end a piece of a line too long to hold: after a character no token holds, outside every known secret. */
  private pieceEnd(text: string): number {
    let cut = text.length - Math.min(4096, this.maxPending >> 4);
    for (let i = text.length - 1; i >= Math.max(1, text.length - Math.min(CUT_SEARCH, this.maxPending >> 2)); i--) {
      if (!TOKEN_CHAR.test(text[i]!)) {
        cut = i + 1;
        break;
      }
    }
    // A known secret (whole, or begun and perhaps still arriving) must not be split: end before it.
    for (let moved = true; moved; ) {
      moved = false;
      for (const secret of this.known) {
        for (let start = Math.max(0, cut - secret.length + 1); start < cut; start++) {
          const shown = Math.min(secret.length, text.length - start);
          if (text.startsWith(secret.slice(0, shown), start)) {
            cut = start;
            moved = true;
            break;
          }
        }
      }
    }
    return cut;
  }

  private counting = true;
  /** Cells under secret-named columns of a CSV or psql table, followed from line to line. */
  private readonly columns = new SecretColumns();

  private count(kind: RedactionKind): void {
    if (!this.counting) return;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private redactLines(text: string): string {
    // The common case: no escape codes and no private key, so the whole block is redacted at once.
    if (this.columns.needed(text)) {
      text = text
        .split(/(?<=\n)/)
        .map((line) => this.columns.line(line, marker('secret-assignment'), () => this.count('secret-assignment')))
        .join('');
    } else this.columns.skip(text);
    if (!this.inPrivateKey && !text.includes('\u001b') && !text.includes('PRIVATE KEY') && !hasInvisible(text)) return this.redactSimple(text);
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
    const plain = seen(line);
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
    // When the secrets are found in the line as it came too, keep its escapes and invisible characters:
    // evidence stays exact but for the secrets. Otherwise one of them split a secret, and the line goes
    // without them.
    this.counting = false;
    const direct = this.redactSimple(line);
    this.counting = true;
    return seen(direct) === redacted ? direct : redacted;
  }

  private redactSimple(text: string): string {
    let out = text;
    for (const secret of this.known) {
      if (!out.includes(secret)) continue;
      const parts = out.split(secret);
      for (let i = 1; i < parts.length; i++) this.count('known-secret');
      out = parts.join(marker('known-secret'));
    }
    out = redactYamlBlocks(out, () => this.count('secret-assignment'));
    if (out.includes('Private-Lines:')) {
      // A PuTTY key file: the lines after `Private-Lines: N` are the private key.
      out = out.replace(/(Private-Lines:[ \t]*\d+[ \t]*\r?\n)(?:[A-Za-z0-9+/=]{4,}\r?\n?)+/g, (_m, header: string) => {
        this.count('private-key');
        return `${header}${marker('private-key')}\n`;
      });
    }
    for (const { kind, regex, group, hint, accept } of PATTERNS) {
      if (!hint(out)) continue;
      regex.lastIndex = 0;
      out = out.replace(regex, (match: string, ...rest: unknown[]) => {
        const offset = rest[rest.length - 2] as number;
        const whole = rest[rest.length - 1] as string;
        const groups = rest.slice(0, -2) as string[];
        if (accept && !accept([match, ...groups], whole.slice(Math.max(0, offset - 100), offset))) return match;
        if (group === undefined && groups.some((g) => typeof g === 'string')) {
          // Alternatives with one capture each: the one that matched is the secret.
          const secret = groups.find((g) => typeof g === 'string' && g);
          if (!secret) return match;
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
        if (secret && secret.length >= 4 && secret.startsWith('\\"') && secret.endsWith('\\"')) secret = secret.slice(2, -2);
        else if (secret && secret.length >= 2 && (secret[0] === '"' || secret[0] === "'") && secret.endsWith(secret[0])) secret = secret.slice(1, -1);
        // A value already redacted is left; what follows a marker in it is the rest of that value (the
        // next piece of a line too long to hold), and goes too.
        if (secret) secret = secret.replace(MARKERS_AT_START, '');
        if (!secret) return match;
        this.count(kind);
        const at = match.lastIndexOf(secret);
        const before = match.slice(0, at);
        // The rest of a value already marked joins its marker rather than making a second one.
        return before + (before.endsWith(marker(kind)) ? '' : marker(kind)) + match.slice(at + secret.length);
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
