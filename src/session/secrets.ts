// The known-secret set: exact values that must never reach the log, evidence, report, store or screen.
// Built in this one place so that start, resume, an environment switch and exec agree on it.
//
// Who calls what:
//   looksSecretName(name)          the one "this name holds a secret" rule (env vars, placeholders, labels in text)
//   looksLikeToken(value)          a value shaped like a credential (a known token shape or a random-looking string)
//   secretValuesFromEnv(env)       values of variables whose names look secret
//   buildKnownSecrets(sources)     the whole set from the process environment, the selected environment and placeholders
//   KnownSecrets#add / #addPlaceholder / #addEnvironment / #values

import { entropy, findsSecret } from './redact.js';
import { looksSecretName } from './secretName.js';

export { looksSecretName };

const NOT_A_SECRET_VALUE = /^(?:true|false|yes|no|on|off|null|nil|none|undefined|\d{1,5}|\*+|x+|changeme|redacted|secret|password)$/i;

/** Whether a value from a secret-named variable is worth matching exactly everywhere. */
function usableSecretValue(value: string, minLength: number): boolean {
  const v = value.trim();
  if (v.length < minLength) return false;
  if (NOT_A_SECRET_VALUE.test(v)) return false;
  // A path to a key file or socket: not the secret itself, and redacting it everywhere only hides context.
  if (/^(?:\/|~\/|\.\.?\/|[A-Za-z]:\\)/.test(v) && !/\s/.test(v)) return false;
  return true;
}

/** A random-looking run of token characters: upper, lower and digits, high entropy, no spaces. */
export function looksRandom(value: string): boolean {
  if (value.length < 20 || /\s/.test(value)) return false;
  if (!/[A-Z]/.test(value) || !/[a-z]/.test(value) || !/[0-9]/.test(value)) return false;
  return entropy(value) >= 3.7;
}

/** Whether a value has the shape of a credential: a known token shape, or long and random. */
export function looksLikeToken(value: string): boolean {
  const v = value.trim();
  if (!v) return false;
  return findsSecret(v) || looksRandom(v);
}

const MIN_ENV_SECRET = 6;

/** Values of environment variables whose names look secret (PGPASSWORD, GITHUB_TOKEN, STRIPE_KEY …). */
export function secretValuesFromEnv(env: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    // DATABASE_URL=postgres://app:PASSWORD@db/app: the password alone is a secret whatever the name.
    const password = urlPassword(value);
    if (password && password.length >= 4) out.push(password);
    if (looksSecretName(name) && usableSecretValue(value, MIN_ENV_SECRET)) out.push(value);
  }
  return out;
}

function urlPassword(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s/]+)@/i.exec(value.trim());
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1];
  }
}

export class KnownSecrets {
  private readonly set = new Set<string>();

  constructor(initial: Iterable<string> = []) {
    for (const value of initial) this.add(value);
  }

  /** A value known to be secret, redacted from now on (shorter than 4 characters it would hit everything). */
  add(value: string | undefined): void {
    if (value && value.trim().length >= 4) this.set.add(value);
  }

  /** A placeholder value: secret when its name looks secret or its value looks like a token. Returns which. */
  addPlaceholder(name: string, value: string): boolean {
    const secret = looksSecretName(name) || looksLikeToken(value);
    if (secret) this.add(value);
    return secret;
  }

  /** An environment's secrets: its named ones (database password, service keys) and secret-named variables. */
  addEnvironment(environment: { secrets?: string[]; vars?: Record<string, string | undefined> }): void {
    for (const value of environment.secrets ?? []) this.add(value);
    for (const value of secretValuesFromEnv(environment.vars ?? {})) this.add(value);
  }

  has(value: string): boolean {
    return this.set.has(value);
  }

  get values(): string[] {
    return [...this.set];
  }
}

export interface KnownSecretSources {
  /** The process environment (default: none; pass process.env). */
  processEnv?: Record<string, string | undefined>;
  /** The selected environment (`resolveEnvironment`'s result): `secrets` and `vars`. */
  environment?: { secrets?: string[]; vars?: Record<string, string | undefined> };
  /** Placeholder values by name; only the secret-looking ones are kept. */
  placeholders?: Record<string, string>;
  /** Values known to be secret already. */
  extra?: Iterable<string>;
}

/** The known-secret set from every source at once: call it on start, resume and environment switch alike. */
export function buildKnownSecrets(sources: KnownSecretSources = {}): KnownSecrets {
  const known = new KnownSecrets(sources.extra ?? []);
  for (const value of secretValuesFromEnv(sources.processEnv ?? {})) known.add(value);
  if (sources.environment) known.addEnvironment(sources.environment);
  for (const [name, value] of Object.entries(sources.placeholders ?? {})) known.addPlaceholder(name, value);
  return known;
}
