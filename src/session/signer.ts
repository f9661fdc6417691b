// The operator's signing key: created on first use, kept in $XDG_CONFIG_HOME/runbook, trusted through
// allowed_signers. An unencrypted OpenSSH key signs here; a passphrase-protected one through ssh-agent.

import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { runbookCommand } from '../format/command.js';
import { agentSign } from './agent.js';
import { allowedSignerLine, parseAllowedSigners, isAllowed } from './allowedSigners.js';
import { fsyncDir, replaceFileDurable, writeNewFileDurable } from './durable.js';
import { generateKey, KeyFormatError, parsePrivateKey, parsePublicKeyLine, publicKeyLine, signWithKey, type Ed25519Public } from './keys.js';
import { configDir } from './paths.js';
import { SESSION_NAMESPACE, type SignData } from './sshsig.js';

export interface KeyFiles {
  dir: string;
  key: string;
  pub: string;
  allowedSigners: string;
}

export function keyFiles(env: NodeJS.ProcessEnv = process.env): KeyFiles {
  const dir = configDir(env);
  return { dir, key: join(dir, 'signing_key'), pub: join(dir, 'signing_key.pub'), allowedSigners: join(dir, 'allowed_signers') };
}

export function defaultIdentity(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUNBOOK_SIGNER) return env.RUNBOOK_SIGNER;
  let user = env.USER || env.LOGNAME || 'operator';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep the environment's name
  }
  return `${user}@${hostname()}`;
}

export interface Signer {
  identity: string;
  key: Ed25519Public;
  /** `ssh-ed25519 AAAA…`, as recorded in the sealed event. */
  publicLine: string;
  keyPath: string;
  sign: SignData;
}

/** Add a key to allowed_signers unless it is there for that identity already. */
export function trustKey(files: KeyFiles, identity: string, publicLine: string): void {
  const existing = existsSync(files.allowedSigners) ? readFileSync(files.allowedSigners, 'utf8') : '';
  if (isAllowed(parseAllowedSigners(existing), identity, parsePublicKeyLine(publicLine), SESSION_NAMESPACE)) return;
  const prefix = existing && !existing.endsWith('\n') ? '\n' : '';
  appendFileSync(files.allowedSigners, `${prefix}${allowedSignerLine(identity, publicLine, SESSION_NAMESPACE)}\n`, { mode: 0o644 });
}

export interface KeygenResult {
  files: KeyFiles;
  identity: string;
  publicLine: string;
}

export function keygen(options: { identity?: string; force?: boolean; env?: NodeJS.ProcessEnv } = {}): KeygenResult {
  const env = options.env ?? process.env;
  const files = keyFiles(env);
  const identity = options.identity ?? defaultIdentity(env);
  if (/\s/.test(identity)) throw new UsageError(`The identity "${identity}" has spaces; use one word such as dana@example.com.`);
  if (existsSync(files.key) && !options.force) throw new KeyExistsError(files.key);
  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const { privateText, publicLine } = generateKey(identity);
  if (options.force) {
    replaceFileDurable(files.key, privateText, 0o600);
    chmodSync(files.key, 0o600);
  } else if (!createKeyExclusive(files.key, privateText)) {
    throw new KeyExistsError(files.key);
  }
  replaceFileDurable(files.pub, `${publicLine}\n`, 0o644);
  trustKey(files, identity, publicLine);
  return { files, identity, publicLine };
}

export class KeyExistsError extends UsageError {
  constructor(path: string) {
    super(`A signing key already exists at ${path}; use --force to replace it (sessions it sealed stay verifiable through allowed_signers).`);
  }
}

/**
 * Put a whole key file in place only if none is there: written and fsync'd beside it, then hard-linked
 * to its name (link fails when the name exists), so ten first runs at once make one key and never
 * replace a key that signed sessions. Returns false when another process won.
 */
function createKeyExclusive(path: string, text: string): boolean {
  const tmp = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeNewFileDurable(tmp, text, 0o600);
  try {
    linkSync(tmp, path);
    fsyncDir(dirname(path));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

export interface LoadSignerOptions {
  /** An OpenSSH private key other than the default one. */
  keyPath?: string;
  identity?: string;
  /** Create the default key when there is none (a first session). */
  create?: boolean;
  env?: NodeJS.ProcessEnv;
}

export function loadSigner(options: LoadSignerOptions = {}): { signer: Signer; created?: KeygenResult } {
  const env = options.env ?? process.env;
  const files = keyFiles(env);
  const keyPath = options.keyPath ?? files.key;
  let created: KeygenResult | undefined;
  if (!existsSync(keyPath)) {
    if (options.keyPath || !options.create) throw new UsageError(`No signing key at ${keyPath}; create one with: ${runbookCommand('keygen')}`);
    try {
      created = keygen({ env, ...(options.identity ? { identity: options.identity } : {}) });
    } catch (error) {
      // Another first run made the key a moment ago: use that one.
      if (!(error instanceof KeyExistsError)) throw error;
    }
  }
  let key;
  try {
    key = parsePrivateKey(readFileSync(keyPath, 'utf8'));
  } catch (error) {
    if (error instanceof KeyFormatError) throw new UsageError(`Cannot use ${keyPath} as a signing key: ${error.message}.`);
    throw new UsageError(`Cannot read the signing key ${keyPath}: ${(error as Error).message}.`);
  }
  const publicLine = publicKeyLine(key.public, '');
  const identity = options.identity ?? (env.RUNBOOK_SIGNER || key.comment || readPubComment(`${keyPath}.pub`) || defaultIdentity(env));
  let sign: SignData;
  if (key.privateKey) {
    const privateKey = key.privateKey;
    sign = (data) => signWithKey(privateKey, data);
  } else {
    const socket = env.SSH_AUTH_SOCK;
    if (!socket) throw new UsageError(`${keyPath} is passphrase-protected; load it into ssh-agent (ssh-add ${keyPath}) and try again.`);
    sign = (data) => agentSign(socket, key.public.blob, data);
  }
  return { signer: { identity, key: key.public, publicLine, keyPath, sign }, ...(created ? { created } : {}) };
}

function readPubComment(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim().split(/\s+/)[2];
  } catch {
    return undefined;
  }
}
