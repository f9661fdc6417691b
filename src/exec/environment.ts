// Environments: named profiles (dev, prod, …) from `runbook.config.json` in the operator's project,
// with values taken from the process environment or `.env` / `.env.<name>` files. Values never reach
// the session log; the environment's name does.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { UsageError } from '../errors.js';
import { checkConfiguredValue, CredentialCommands, isCommandValue, type CommandValue, type ConfiguredValue } from './credentials.js';
import type { WebhookConfig } from '../notify/webhook.js';

export const CONFIG_FILE = 'runbook.config.json';

/** One environment as written in the config file. Strings may reference `$VAR` / `${VAR}`. */
export interface EnvironmentConfig {
  /** Postgres URL; default `$DATABASE_URL`, else libpq's `PG*` variables. Any value may be `{ "command": … }`. */
  databaseUrl?: ConfiguredValue;
  /** A least-privilege, read-only connection that reads use when given (README: "Guards"). */
  readDatabaseUrl?: string;
  supabaseUrl?: ConfiguredValue;
  supabaseAnonKey?: ConfiguredValue;
  supabaseServiceRoleKey?: ConfiguredValue;
  /** Type the environment's name before its first action. */
  protected?: boolean;
  /** Extra env files to read after `.env` and `.env.<name>`. */
  envFile?: string | string[];
  /** Working directory for shell actions, relative to the config file. */
  cwd?: string;
  /** Extra variables for shell actions. */
  vars?: Record<string, ConfiguredValue>;
}

export interface RunbookConfig {
  defaultEnv?: string;
  environments?: Record<string, EnvironmentConfig>;
  /** Postgres URL of the team store that mirrors sessions. */
  store?: string;
  /** An OpenSSH private key to sign sessions with. */
  signingKey?: string;
  timeouts?: { shellSeconds?: number; sqlSeconds?: number };
  /** The RPO/RTO log `runbook report` adds drill rows to, relative to the config file. */
  drillLog?: string;
  /** Status updates to the team channel; `webhook` may reference `$VAR`. */
  notify?: { webhook?: string; format?: 'slack' | 'json' };
  /** The title of the runbook section that holds the escalation matrix (default: one titled /escalation/i). */
  escalation?: string;
}

export interface DatabaseSettings {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  password?: string;
  database?: string;
}

export interface Environment {
  name: string;
  protected: boolean;
  /** Variables for shell actions: the process environment, env files, and the environment's own. */
  vars: Record<string, string>;
  database?: DatabaseSettings;
  /** Where reads go when the config names a read-only connection. */
  readDatabase?: DatabaseSettings;
  supabase: { url?: string; anonKey?: string; serviceRoleKey?: string };
  /** Values redacted wherever they appear: passwords and keys. */
  secrets: string[];
  cwd: string;
  /** Where the config came from, or undefined for the implicit `local` environment. */
  configPath?: string;
  /** The config's signing key, resolved to a path. */
  signingKey?: string;
  /** The team store (RUNBOOK_STORE_URL, or the config's store) that mirrors sessions. */
  store?: string;
  /** The embedded sandbox database this environment uses (started on first use). */
  sandbox?: string;
  timeouts: { shellSeconds: number; sqlSeconds: number };
  /** Values to fetch from a command before the first action, by what they set (`databaseUrl`, `vars.TOKEN`). */
  fromCommands?: Record<string, CommandValue>;
  /** Where status updates are posted. */
  notify?: WebhookConfig;
  /** The config's name for the escalation section. */
  escalation?: string;
}

export const DEFAULT_SHELL_TIMEOUT_SECONDS = 600;
export const DEFAULT_SQL_TIMEOUT_SECONDS = 60;

/** The nearest runbook.config.json from `start` upwards. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function readConfig(path: string): RunbookConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON (${(error as Error).message}).`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${path} must hold a JSON object.`);
  return parsed as RunbookConfig;
}

function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  try {
    return parseDotenv(readFileSync(path));
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}.`);
  }
}

/** Replace `$VAR` and `${VAR}` with values from `vars`; unset ones become empty. */
export function expand(value: string, vars: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? '');
}

function databaseFrom(url: string | undefined, vars: Record<string, string>): DatabaseSettings | undefined {
  if (url) return { connectionString: url };
  if (!vars.PGHOST && !vars.PGDATABASE && !vars.PGUSER && !vars.PGPORT) return undefined;
  return {
    host: vars.PGHOST,
    port: vars.PGPORT ? Number(vars.PGPORT) : undefined,
    user: vars.PGUSER,
    password: vars.PGPASSWORD,
    database: vars.PGDATABASE,
  };
}

/** A connection URL from libpq's PG* parts, so `psql "$DATABASE_URL"` works in shell actions. */
function urlFromParts(db: DatabaseSettings): string {
  const auth = db.user ? `${encodeURIComponent(db.user)}${db.password ? `:${encodeURIComponent(db.password)}` : ''}@` : '';
  const host = db.host && !db.host.startsWith('/') ? db.host : 'localhost';
  const query = db.host?.startsWith('/') ? `?host=${encodeURIComponent(db.host)}` : '';
  return `postgresql://${auth}${host}${db.port ? `:${db.port}` : ''}/${encodeURIComponent(db.database ?? '')}${query}`;
}

function passwordOf(db: DatabaseSettings | undefined): string | undefined {
  if (!db) return undefined;
  if (db.password) return db.password;
  if (!db.connectionString) return undefined;
  try {
    const url = new URL(db.connectionString);
    return url.password ? decodeURIComponent(url.password) : undefined;
  } catch {
    return /password=([^\s&]+)/.exec(db.connectionString)?.[1];
  }
}

export interface ResolveOptions {
  /** The environment's name; default the config's `defaultEnv`, else `local`. */
  name?: string;
  cwd?: string;
  processEnv?: NodeJS.ProcessEnv;
}

const namesDatabase = (vars: Record<string, string | undefined>) => Boolean(vars.DATABASE_URL || vars.PGHOST || vars.PGDATABASE);

/**
 * Every environment an operator may pick, in the order to offer them: the configured ones, `local`
 * when it is configured (in the config, or a database named by the process environment or `.env`,
 * or no config at all), and the sandbox. The `e` picker and `--env` both go by this list.
 */
export function listEnvironments(options: Omit<ResolveOptions, 'name'> = {}): string[] {
  const cwd = resolve(options.cwd ?? process.cwd());
  const processEnv = options.processEnv ?? process.env;
  const configPath = findConfig(cwd);
  const names = Object.keys((configPath ? readConfig(configPath) : {}).environments ?? {});
  const base = configPath ? dirname(configPath) : cwd;
  const localConfigured = !configPath || names.includes('local') || namesDatabase(processEnv) || namesDatabase(readEnvFile(join(base, '.env')));
  return [...new Set([...names, ...(localConfigured ? ['local'] : []), 'sandbox'])];
}

/** The environment an operator picked, with every value resolved. */
export function resolveEnvironment(options: ResolveOptions = {}): Environment {
  const cwd = resolve(options.cwd ?? process.cwd());
  const processEnv = options.processEnv ?? process.env;
  const configPath = findConfig(cwd);
  const config = configPath ? readConfig(configPath) : {};
  const base = configPath ? dirname(configPath) : cwd;
  const names = Object.keys(config.environments ?? {});
  // With nothing that names a database, the default is the sandbox: the runbook still works end to end.
  const noDatabase = !names.length && !processEnv.DATABASE_URL && !processEnv.PGHOST && !processEnv.PGDATABASE;
  const name = options.name ?? config.defaultEnv ?? (names.length === 1 ? names[0]! : noDatabase ? 'sandbox' : 'local');
  // Own entries only: `--env __proto__` or `constructor` must not find the object's prototype.
  const envConfig = config.environments && Object.hasOwn(config.environments, name) ? config.environments[name] : undefined;
  if (!envConfig) {
    // A name asked for must be on the list; the default may be `local` even when nothing configures it.
    const known = listEnvironments({ cwd, processEnv });
    if (options.name !== undefined ? !known.includes(name) : name !== 'local' && name !== 'sandbox') {
      throw new UsageError(`No environment "${name}" (${configPath ? `known: ${known.join(', ')}` : `there is no ${CONFIG_FILE} here; local and sandbox are always there`}).`);
    }
  }

  const where = (field: string) => `${configPath ?? CONFIG_FILE}: environments.${name}.${field}`;
  const fromCommands: Record<string, CommandValue> = {};
  for (const field of CONFIGURED_FIELDS) {
    const problem = checkConfiguredValue(envConfig?.[field], where(field));
    if (problem) throw new UsageError(problem);
    if (isCommandValue(envConfig?.[field])) fromCommands[field] = envConfig![field] as CommandValue;
  }
  for (const [k, v] of Object.entries(envConfig?.vars ?? {})) {
    const problem = checkConfiguredValue(v, where(`vars.${k}`));
    if (problem) throw new UsageError(problem);
    if (isCommandValue(v)) fromCommands[`vars.${k}`] = v;
  }

  // Later files win over earlier ones; the real process environment wins over files.
  const fileVars: Record<string, string> = { ...readEnvFile(join(base, '.env')), ...readEnvFile(join(base, `.env.${name}`)) };
  for (const extra of [envConfig?.envFile ?? []].flat()) Object.assign(fileVars, readEnvFile(resolve(base, extra)));
  const vars: Record<string, string> = { ...fileVars };
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) vars[k] = v;
  for (const [k, v] of Object.entries(envConfig?.vars ?? {})) if (typeof v === 'string') vars[k] = expand(v, vars);

  // A value from a command is unknown until the first action fetches it: no fallback stands in for it.
  const pick = (configured: ConfiguredValue | undefined, fallbackVar: string): string | undefined => {
    if (isCommandValue(configured)) return undefined;
    const value = configured !== undefined ? expand(configured, vars) : vars[fallbackVar];
    return value ? value : undefined;
  };
  const sandbox = name === 'sandbox' && !envConfig ? (vars.RUNBOOK_SANDBOX || 'default') : undefined;
  const database = sandbox || fromCommands.databaseUrl ? undefined : databaseFrom(pick(envConfig?.databaseUrl, 'DATABASE_URL'), vars);
  const supabase = {
    url: pick(envConfig?.supabaseUrl, 'SUPABASE_URL'),
    anonKey: pick(envConfig?.supabaseAnonKey, 'SUPABASE_ANON_KEY'),
    serviceRoleKey: pick(envConfig?.supabaseServiceRoleKey, 'SUPABASE_SERVICE_ROLE_KEY'),
  };
  const readUrl = envConfig?.readDatabaseUrl ? expand(envConfig.readDatabaseUrl, vars) : undefined;
  const readDatabase = readUrl ? { connectionString: readUrl } : undefined;
  // The shell sees the selected environment's database as DATABASE_URL, whatever it was called.
  if (database?.connectionString) vars.DATABASE_URL = database.connectionString;
  else if (database && !vars.DATABASE_URL) vars.DATABASE_URL = urlFromParts(database);
  if (supabase.url) vars.SUPABASE_URL = supabase.url;
  if (supabase.anonKey) vars.SUPABASE_ANON_KEY = supabase.anonKey;
  if (supabase.serviceRoleKey) vars.SUPABASE_SERVICE_ROLE_KEY = supabase.serviceRoleKey;
  vars.RUNBOOK_ENV = name;

  const notify = notifyFrom(config, vars, configPath);
  // A webhook URL carries its own secret in its path: it is redacted like a password.
  const secrets = [passwordOf(database), passwordOf(readDatabase), supabase.serviceRoleKey, vars.PGPASSWORD, notify?.url].filter((s): s is string => Boolean(s));
  if (sandbox) pointAtUnstartedSandbox(vars);
  return {
    name,
    protected: Boolean(envConfig?.protected),
    vars,
    database,
    ...(readDatabase ? { readDatabase } : {}),
    supabase,
    secrets: [...new Set(secrets)],
    cwd: envConfig?.cwd ? resolve(base, envConfig.cwd) : cwd,
    configPath,
    ...(sandbox ? { sandbox } : {}),
    ...(vars.RUNBOOK_STORE_URL || config.store ? { store: vars.RUNBOOK_STORE_URL || expand(config.store!, vars) } : {}),
    ...(config.signingKey ? { signingKey: resolve(base, config.signingKey.replace(/^~(?=\/)/, processEnv.HOME ?? '~')) } : {}),
    timeouts: {
      shellSeconds: config.timeouts?.shellSeconds ?? DEFAULT_SHELL_TIMEOUT_SECONDS,
      sqlSeconds: config.timeouts?.sqlSeconds ?? DEFAULT_SQL_TIMEOUT_SECONDS,
    },
    ...(Object.keys(fromCommands).length ? { fromCommands } : {}),
    ...(notify ? { notify } : {}),
    ...(typeof config.escalation === 'string' && config.escalation.trim() ? { escalation: config.escalation.trim() } : {}),
  };
}

/** Where libpq looks before the sandbox starts: a socket folder that does not exist, so a connection fails at once. */
export const UNSTARTED_SANDBOX_HOST = '/runbook-sandbox-not-started';

/**
 * Until its sandbox starts (lazily, see needsDatabase.ts), a sandbox environment's shell actions must
 * not reach a database the operator's own shell names: DATABASE_URL and every PG* variable point nowhere.
 */
function pointAtUnstartedSandbox(vars: Record<string, string>): void {
  for (const name of Object.keys(vars)) if (/^PG[A-Z_]+$/.test(name)) delete vars[name];
  vars.PGHOST = UNSTARTED_SANDBOX_HOST;
  vars.DATABASE_URL = `postgresql://postgres@/postgres?host=${UNSTARTED_SANDBOX_HOST}`;
}

const CONFIGURED_FIELDS = ['databaseUrl', 'supabaseUrl', 'supabaseAnonKey', 'supabaseServiceRoleKey'] as const;

function notifyFrom(config: RunbookConfig, vars: Record<string, string>, configPath: string | undefined): WebhookConfig | undefined {
  const notify = config.notify;
  if (notify === undefined) return undefined;
  const where = `${configPath ?? CONFIG_FILE}: notify`;
  if (!notify || typeof notify !== 'object' || typeof notify.webhook !== 'string') throw new UsageError(`${where} must be { "webhook": "https://…", "format": "slack" | "json" }.`);
  if (notify.format !== undefined && notify.format !== 'slack' && notify.format !== 'json') throw new UsageError(`${where}.format must be "slack" or "json".`);
  const url = expand(notify.webhook, vars).trim();
  // An unset variable leaves no webhook: updates are still recorded, only not posted.
  if (!url) return undefined;
  return { url, format: notify.format ?? 'slack' };
}

const VARIABLE_OF: Record<string, string> = { databaseUrl: 'DATABASE_URL', supabaseUrl: 'SUPABASE_URL', supabaseAnonKey: 'SUPABASE_ANON_KEY', supabaseServiceRoleKey: 'SUPABASE_SERVICE_ROLE_KEY' };

/** The shell variables values from a command will set once fetched (a dry run counts them as given). */
export function commandVariables(env: Environment): string[] {
  return Object.keys(env.fromCommands ?? {}).map((field) => (field.startsWith('vars.') ? field.slice(5) : VARIABLE_OF[field]!));
}

const credentialsOf = new WeakMap<Environment, CredentialCommands>();

/**
 * Fetch the environment's values given as commands (first use, or their ttl has passed) and put them
 * where a literal value would be; they join `env.secrets`. Returns the values fetched or changed now.
 */
export async function resolveCommandValues(env: Environment): Promise<string[]> {
  if (!env.fromCommands) return [];
  let credentials = credentialsOf.get(env);
  if (!credentials) {
    credentials = new CredentialCommands({ cwd: env.cwd, env: env.vars, knownSecrets: () => env.secrets });
    credentialsOf.set(env, credentials);
  }
  const changed: string[] = [];
  for (const [field, spec] of Object.entries(env.fromCommands)) {
    const value = await credentials.resolve(`${env.name}.${field}`, spec);
    if (field === 'databaseUrl') {
      if (env.database?.connectionString === value) continue;
      env.database = { connectionString: value };
      env.vars.DATABASE_URL = value;
    } else if (field.startsWith('vars.')) {
      if (env.vars[field.slice(5)] === value) continue;
      env.vars[field.slice(5)] = value;
    } else {
      const key = field === 'supabaseUrl' ? 'url' : field === 'supabaseAnonKey' ? 'anonKey' : 'serviceRoleKey';
      if (env.supabase[key] === value) continue;
      env.supabase[key] = value;
      env.vars[key === 'url' ? 'SUPABASE_URL' : key === 'anonKey' ? 'SUPABASE_ANON_KEY' : 'SUPABASE_SERVICE_ROLE_KEY'] = value;
    }
    // The whole value is secret (a URL with its password), and so is the password inside it.
    const password = field === 'databaseUrl' ? passwordOf(env.database) : undefined;
    for (const secret of [value, password]) if (secret && !env.secrets.includes(secret)) env.secrets.push(secret);
    changed.push(value);
  }
  return changed;
}

/**
 * Start the environment's sandbox if it has one and it is not running yet, and point the database
 * settings and the shell's DATABASE_URL / PG* at it. A no-op for every other environment.
 */
export async function prepareEnvironment(env: Environment, onProgress?: (message: string) => void): Promise<Environment> {
  if (!env.sandbox || env.database) return env;
  const { startSandbox } = await import('../sandbox/sandbox.js');
  const sandbox = await startSandbox(env.sandbox, onProgress ? { onProgress } : {});
  env.database = { connectionString: sandbox.url };
  Object.assign(env.vars, { DATABASE_URL: sandbox.url, PGHOST: '127.0.0.1', PGPORT: String(sandbox.port), PGUSER: 'postgres', PGDATABASE: 'postgres' });
  return env;
}

/** Stop the sandbox this process serves for the environment, if any (the counterpart of prepareEnvironment). */
export async function releaseEnvironment(env: Environment): Promise<void> {
  // Never started (prepareEnvironment gives it a database): nothing to stop, and no need to load PGlite.
  if (!env.sandbox || !env.database) return;
  const { stopSandboxes } = await import('../sandbox/sandbox.js');
  await stopSandboxes();
}
