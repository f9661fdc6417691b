// Credentials from a command: a config value given as `{ "command": "aws secretsmanager …" }` is
// fetched when first needed, kept in memory only (never in a file, the log or an event), and fetched
// again when its `ttl` has passed. The same form serves `op read`, `vault kv get` or `security …`.

import { UsageError } from '../errors.js';
import { redactString } from '../session/redact.js';

/** A value from a command, as written in runbook.config.json. */
export interface CommandValue {
  command: string;
  /** Seconds before the value is fetched again; default: kept for the whole run. */
  ttl?: number;
}

export type ConfiguredValue = string | CommandValue;

export function isCommandValue(value: unknown): value is CommandValue {
  return Boolean(value) && typeof value === 'object' && typeof (value as CommandValue).command === 'string';
}

/** Says what is wrong with a configured value, or nothing when it is well formed. */
export function checkConfiguredValue(value: unknown, where: string): string | undefined {
  if (value === undefined || typeof value === 'string') return undefined;
  if (!isCommandValue(value)) return `${where} must be a string or { "command": "…" }.`;
  if (!value.command.trim()) return `${where}.command is empty.`;
  if (value.ttl !== undefined && !(typeof value.ttl === 'number' && value.ttl > 0 && Number.isFinite(value.ttl))) return `${where}.ttl must be a number of seconds above 0.`;
  return undefined;
}

export interface CredentialOptions {
  cwd: string;
  /** The variables the command runs with (the environment's, so `aws --profile $AWS_PROFILE` works). */
  env: Record<string, string>;
  /** Values already known to be secret, redacted from the command's error output. */
  knownSecrets?: () => string[];
  timeoutMs?: number;
  now?: () => number;
}

interface Fetched {
  value: string;
  expiresAt: number;
}

/** Fetches command values on first use and keeps them, in this process only, until their ttl. */
export class CredentialCommands {
  private readonly cache = new Map<string, Fetched>();
  private readonly pending = new Map<string, Promise<string>>();
  private readonly fetchedValues = new Set<string>();

  constructor(private readonly options: CredentialOptions) {}

  /** Every value fetched so far: they join the session's known secrets. */
  get values(): string[] {
    return [...this.fetchedValues];
  }

  /** The value for `name` (a label used in messages, e.g. `prod.databaseUrl`). */
  async resolve(name: string, spec: ConfiguredValue): Promise<string> {
    if (typeof spec === 'string') return spec;
    const now = (this.options.now ?? Date.now)();
    const key = `${spec.command}\0${spec.ttl ?? ''}`;
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const running = this.pending.get(key);
    if (running) return running;
    const fetching = this.fetch(name, spec).finally(() => this.pending.delete(key));
    this.pending.set(key, fetching);
    return fetching;
  }

  private async fetch(name: string, spec: CommandValue): Promise<string> {
    const started = (this.options.now ?? Date.now)();
    // Loaded here: resolving an environment (the navigator's first frame) must not load the process runner.
    const { execa } = await import('execa');
    const result = await execa('/bin/bash', ['-c', spec.command], {
      cwd: this.options.cwd,
      env: this.options.env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: this.options.timeoutMs ?? 30_000,
      stripFinalNewline: false,
    });
    const known = [...(this.options.knownSecrets?.() ?? []), ...this.fetchedValues];
    if (result.exitCode !== 0 || result.timedOut || result.failed) {
      const stderr = redactString(String(result.stderr ?? '').trim(), { knownSecrets: known }).text.split('\n').slice(-3).join(' ').slice(0, 300);
      const why = result.timedOut ? 'timed out' : result.exitCode === 127 ? 'its program was not found' : `exited with ${result.exitCode ?? result.signal}`;
      throw new UsageError(`The command for ${name} ${why}${stderr ? `: ${stderr}` : ''}.`);
    }
    // Secret managers print the value with a trailing newline; nothing else is trimmed.
    const value = String(result.stdout ?? '').replace(/\r?\n$/, '');
    if (!value) throw new UsageError(`The command for ${name} printed nothing.`);
    this.fetchedValues.add(value);
    this.cache.set(`${spec.command}\0${spec.ttl ?? ''}`, { value, expiresAt: spec.ttl ? started + spec.ttl * 1000 : Number.POSITIVE_INFINITY });
    return value;
  }
}
