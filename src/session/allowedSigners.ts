// OpenSSH allowed_signers, read the way `ssh-keygen -Y verify` reads it (ssh-keygen(1) "ALLOWED SIGNERS",
// OpenSSH sshsig.c): `principals [options] keytype base64 [comment]`, where principals and namespaces are
// pattern-lists (ssh_config(5) PATTERNS: `*`, `?`, `!` negation), options are `cert-authority`,
// `namespaces="…"`, `valid-after="…"`, `valid-before="…"`. Lines are tried in order; the first that vouches
// wins; a line that cannot be read is skipped, as ssh-keygen skips it.

import { KeyFormatError, parsePublicKeyLine, type Ed25519Public } from './keys.js';

export interface AllowedSigner {
  /** 1-based line in the file. */
  line: number;
  /** The principals pattern-list, as written (quotes removed). */
  principals: string;
  /** A certificate authority: it vouches only for certificates it signed, never for a plain key. */
  certAuthority: boolean;
  /** The namespaces pattern-list; absent means any namespace. */
  namespaces?: string;
  /** Seconds since the epoch; the key is trusted only from / until then. */
  validAfter?: number;
  validBefore?: number;
  /** The key when it is an ssh-ed25519 key; other key types never match ours. */
  key?: Ed25519Public;
  /** Why the line cannot be read; such a line vouches for nothing. */
  invalid?: string;
}

/** OpenSSH's match_pattern: `*` any run, `?` any one character, case-sensitive, no escapes. */
export function matchPattern(value: string, pattern: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
  return regex.test(value);
}

/** OpenSSH's match_pattern_list: true only when a positive pattern matches and no negated one does. */
export function matchPatternList(value: string, list: string): boolean {
  let positive = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!matchPattern(value, pattern)) continue;
    if (negated) return false;
    positive = true;
  }
  return positive;
}

/** `YYYYMMDD[HHMM[SS]][Z]`: UTC with Z, local time without (ssh-keygen's parse_absolute_time). */
export function parseSignerTime(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z|z)?$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', z] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = z ? Date.UTC(...parts) : new Date(...parts).getTime();
  const back = new Date(ms);
  const check = z ? [back.getUTCMonth(), back.getUTCDate()] : [back.getMonth(), back.getDate()];
  if (Number.isNaN(ms) || check[0] !== parts[1] || check[1] !== parts[2]) return undefined;
  return Math.floor(ms / 1000);
}

/** The next token: up to whitespace, with double-quoted runs kept whole. */
function nextToken(text: string): { token: string; rest: string } {
  let i = 0;
  let quoted = false;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ' ' || c === '\t')) break;
  }
  return { token: text.slice(0, i), rest: text.slice(i).replace(/^[ \t]+/, '') };
}

const KEY_TYPE = /^(?:ssh-|ecdsa-|sk-|rsa-sha2-)[A-Za-z0-9@.-]+$/;

function parseOptions(text: string, entry: AllowedSigner): void {
  const options: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      options.push(current);
      current = '';
    } else current += c;
  }
  options.push(current);
  for (const option of options) {
    const m = /^([A-Za-z-]+)(?:="([^"]*)")?$/.exec(option);
    const name = m?.[1]?.toLowerCase();
    const value = m?.[2];
    if (name === 'cert-authority' && value === undefined) entry.certAuthority = true;
    else if (name === 'namespaces' && value !== undefined) entry.namespaces = value;
    else if ((name === 'valid-after' || name === 'valid-before') && value !== undefined) {
      const time = parseSignerTime(value);
      if (time === undefined) {
        entry.invalid = `${name}="${value}" is not a time (use YYYYMMDD[HHMM[SS]][Z])`;
        return;
      }
      if (name === 'valid-after') entry.validAfter = time;
      else entry.validBefore = time;
    } else {
      entry.invalid = `unknown option ${JSON.stringify(option)}`;
      return;
    }
  }
}

export function parseAllowedSigners(text: string): AllowedSigner[] {
  const entries: AllowedSigner[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '').replace(/^[ \t]+/, '');
    if (!line || line.startsWith('#')) continue;
    const entry: AllowedSigner = { line: i + 1, principals: '', certAuthority: false };
    entries.push(entry);
    const first = nextToken(line);
    entry.principals = first.token.replace(/"/g, '');
    let rest = first.rest;
    const maybeType = nextToken(rest).token;
    if (!KEY_TYPE.test(maybeType)) {
      const options = nextToken(rest);
      parseOptions(options.token, entry);
      if (entry.invalid) continue;
      rest = options.rest;
    }
    const type = nextToken(rest);
    const data = nextToken(type.rest).token;
    if (!KEY_TYPE.test(type.token) || !data) {
      entry.invalid = 'no public key on the line';
      continue;
    }
    try {
      entry.key = parsePublicKeyLine(`${type.token} ${data}`);
    } catch (error) {
      if (!(error instanceof KeyFormatError) && !/unsupported key type/.test((error as Error).message)) entry.invalid = `the key cannot be read (${(error as Error).message})`;
      // Other key types are valid lines that never vouch for an ssh-ed25519 signature.
    }
  }
  return entries;
}

export type SignerCheck = { ok: true; line: number } | { ok: false; reason: string };

/** Which line vouches for `key` signing as `identity` in `namespace` at `now`, as ssh-keygen decides it. */
export function checkAllowed(entries: AllowedSigner[], identity: string, key: Ed25519Public, namespace: string, now: Date = new Date()): SignerCheck {
  const seconds = Math.floor(now.getTime() / 1000);
  let why = `no line names ${identity} with this key`;
  for (const entry of entries) {
    if (entry.invalid) {
      // ssh-keygen reports such a line and reads on.
      why = `line ${entry.line} of allowed_signers is not valid (${entry.invalid})`;
      continue;
    }
    if (!matchPatternList(identity, entry.principals)) continue;
    if (!entry.key || !entry.key.blob.equals(key.blob)) continue;
    if (entry.certAuthority) {
      why = `line ${entry.line} marks the key as a certificate authority, which vouches only for certificates, not for the key itself`;
      continue;
    }
    if (entry.namespaces !== undefined && !matchPatternList(namespace, entry.namespaces)) {
      why = `line ${entry.line} does not allow the namespace ${namespace}`;
      continue;
    }
    if (entry.validAfter !== undefined && seconds < entry.validAfter) {
      why = `line ${entry.line} trusts the key only from ${new Date(entry.validAfter * 1000).toISOString()}`;
      continue;
    }
    if (entry.validBefore !== undefined && seconds > entry.validBefore) {
      why = `line ${entry.line} trusted the key only until ${new Date(entry.validBefore * 1000).toISOString()}`;
      continue;
    }
    return { ok: true, line: entry.line };
  }
  return { ok: false, reason: why };
}

export function isAllowed(entries: AllowedSigner[], identity: string, key: Ed25519Public, namespace: string, now: Date = new Date()): boolean {
  return checkAllowed(entries, identity, key, namespace, now).ok;
}

/** The line keygen adds for a key. */
export function allowedSignerLine(identity: string, publicLine: string, namespace: string): string {
  const [type, data] = publicLine.split(/\s+/);
  return `${identity} namespaces="${namespace}" ${type} ${data}`;
}
