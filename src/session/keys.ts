// Ed25519 signing keys in OpenSSH's own formats, so `ssh-keygen` reads what we write and we read
// what it writes (Node cannot load an OpenSSH private key directly).

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { armor, SshReader, sshString, uint32, unarmor } from './sshwire.js';

const KEY_TYPE = 'ssh-ed25519';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

export interface Ed25519Public {
  /** 32 raw bytes. */
  raw: Buffer;
  /** `string "ssh-ed25519" ‖ string raw`: the SSH public key blob. */
  blob: Buffer;
}

export interface LoadedPrivateKey {
  public: Ed25519Public;
  comment: string;
  /** Absent when the key is passphrase-protected: such keys sign through ssh-agent. */
  privateKey?: KeyObject;
}

const b64url = (b: Buffer) => b.toString('base64url');

export function publicFromRaw(raw: Buffer): Ed25519Public {
  return { raw, blob: Buffer.concat([sshString(KEY_TYPE), sshString(raw)]) };
}

export function publicFromBlob(blob: Buffer): Ed25519Public {
  const reader = new SshReader(blob);
  const type = reader.text();
  if (type !== KEY_TYPE) throw new Error(`unsupported key type ${type}; runbook signs with ssh-ed25519 keys`);
  return publicFromRaw(Buffer.from(reader.string()));
}

function privateKeyObject(seed: Buffer, raw: Buffer): KeyObject {
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(seed), x: b64url(raw) }, format: 'jwk' });
}

export function publicKeyObject(pub: Ed25519Public): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pub.raw) }, format: 'jwk' });
}

export function generateKey(comment: string): { privateText: string; publicLine: string; key: LoadedPrivateKey } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const raw = Buffer.from(jwk.x!, 'base64url');
  const pub = publicFromRaw(raw);
  return {
    privateText: formatPrivateKey(seed, pub, comment),
    publicLine: publicKeyLine(pub, comment),
    key: { public: pub, comment, privateKey },
  };
}

/** An unencrypted `-----BEGIN OPENSSH PRIVATE KEY-----` file, as ssh-keygen writes it. */
export function formatPrivateKey(seed: Buffer, pub: Ed25519Public, comment: string): string {
  const check = Math.floor(Math.random() * 2 ** 32);
  let secret = Buffer.concat([
    uint32(check), uint32(check),
    sshString(KEY_TYPE), sshString(pub.raw), sshString(Buffer.concat([seed, pub.raw])), sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  secret = Buffer.concat([secret, padding]);
  const body = Buffer.concat([MAGIC, sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(pub.blob), sshString(secret)]);
  return armor('OPENSSH PRIVATE KEY', body, 70);
}

export class KeyFormatError extends Error {}

export function parsePrivateKey(text: string): LoadedPrivateKey {
  const body = unarmor('OPENSSH PRIVATE KEY', text);
  if (!body) throw new KeyFormatError('not an OpenSSH private key (expected -----BEGIN OPENSSH PRIVATE KEY-----)');
  try {
    if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw new KeyFormatError('not an openssh-key-v1 private key');
    const reader = new SshReader(body.subarray(MAGIC.length));
    const cipher = reader.text();
    reader.text(); // kdf name
    reader.string(); // kdf options
    if (reader.uint32() !== 1) throw new KeyFormatError('the key file holds several keys; give a file with one');
    const pub = publicFromBlob(Buffer.from(reader.string()));
    if (cipher !== 'none') return { public: pub, comment: '' };
    const secret = new SshReader(reader.string());
    if (secret.uint32() !== secret.uint32()) throw new KeyFormatError('the private key is corrupt (check bytes differ)');
    if (secret.text() !== KEY_TYPE) throw new KeyFormatError('only ssh-ed25519 keys are supported');
    const raw = Buffer.from(secret.string());
    const both = secret.string();
    const comment = secret.text();
    return { public: pub, comment, privateKey: privateKeyObject(Buffer.from(both.subarray(0, 32)), raw) };
  } catch (error) {
    if (error instanceof KeyFormatError) throw error;
    throw new KeyFormatError(`the private key is corrupt (${(error as Error).message})`);
  }
}

export function publicKeyLine(pub: Ed25519Public, comment: string): string {
  return `${KEY_TYPE} ${pub.blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

/** `ssh-ed25519 AAAA… comment` → the key. */
export function parsePublicKeyLine(line: string): Ed25519Public {
  const [type, data] = line.trim().split(/\s+/);
  if (type !== KEY_TYPE || !data) throw new KeyFormatError(`not an ssh-ed25519 public key: ${line.slice(0, 40)}`);
  return publicFromBlob(Buffer.from(data, 'base64'));
}

/** `SHA256:…` as ssh-keygen -l prints it. */
export function fingerprint(pub: Ed25519Public): string {
  return `SHA256:${createHash('sha256').update(pub.blob).digest('base64').replace(/=+$/, '')}`;
}

/** The SSH signature blob (`string "ssh-ed25519" ‖ string 64 bytes`) over `data`. */
export function signWithKey(privateKey: KeyObject, data: Buffer): Buffer {
  return Buffer.concat([sshString(KEY_TYPE), sshString(sign(null, data, privateKey))]);
}
