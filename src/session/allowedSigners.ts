// OpenSSH allowed_signers (ssh-keygen(1), "ALLOWED SIGNERS"): who may sign, with which key, for what.

import { KeyFormatError, parsePublicKeyLine, type Ed25519Public } from './keys.js';

export interface AllowedSigner {
  principals: string[];
  namespaces?: string[];
  key: Ed25519Public;
}

function tokens(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (current) out.push(current);
      current = '';
    } else current += c;
  }
  if (current) out.push(current);
  return out;
}

export function parseAllowedSigners(text: string): AllowedSigner[] {
  const entries: AllowedSigner[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = tokens(line);
    const keyAt = parts.findIndex((p) => p.startsWith('ssh-') || p.startsWith('ecdsa-') || p.startsWith('sk-'));
    if (keyAt < 1 || !parts[keyAt + 1]) continue;
    let key: Ed25519Public;
    try {
      key = parsePublicKeyLine(`${parts[keyAt]} ${parts[keyAt + 1]}`);
    } catch (error) {
      if (error instanceof KeyFormatError) continue; // other key types: not ours to check
      throw error;
    }
    const options = parts.slice(1, keyAt).join(',');
    const ns = /namespaces="([^"]*)"/i.exec(options);
    entries.push({
      principals: parts[0]!.replace(/^"|"$/g, '').split(','),
      ...(ns ? { namespaces: ns[1]!.split(',').map((s) => s.trim()) } : {}),
      key,
    });
  }
  return entries;
}

function globMatch(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

function allowsNamespace(entry: AllowedSigner, namespace: string): boolean {
  return !entry.namespaces || entry.namespaces.some((n) => globMatch(n, namespace));
}

export function isAllowed(entries: AllowedSigner[], identity: string, key: Ed25519Public, namespace: string): boolean {
  return entries.some((e) => e.key.blob.equals(key.blob) && e.principals.some((p) => globMatch(p, identity)) && allowsNamespace(e, namespace));
}

/** The line keygen adds for a key. */
export function allowedSignerLine(identity: string, publicLine: string, namespace: string): string {
  const [type, data] = publicLine.split(/\s+/);
  return `${identity} namespaces="${namespace}" ${type} ${data}`;
}
