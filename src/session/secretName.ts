// The one rule for "this name holds a secret": a placeholder (`<api token>`), a `--set DB_PASSWORD=…`,
// and an assignment the redactor meets in output (`PGPASSWORD=…`, `"SecretAccessKey": …`). A value
// under such a name is masked as it is typed, recorded only as set, and redacted from then on.

/** Words that make a name secret when it ends with one: `db_password`, `apiToken`, `client_secret`. */
const SECRET_WORDS = new Set([
  'secret', 'secrets', 'password', 'passwd', 'passphrase', 'pass', 'pwd',
  'token', 'credential', 'credentials', 'apikey', 'privatekey', 'secretkey', 'accesskey',
]);

/** A name ending in `key` is secret unless the key is plainly a database or cache key. */
const PLAIN_KEYS = new Set(['primary', 'foreign', 'sort', 'partition', 'cache', 'idempotency', 'public', 'row', 'shard', 'routing', 'lookup', 'unique', 'composite', 'surrogate', 'natural', 'join', 'hash', 'object', 'map', 'dedup']);

/** Glued forms the words miss: `dbpassword`, `mytoken`, `AccessKey` in any case, `STRIPE_KEY`. */
const GLUED = /(?:secret|password|passwd|token)$|(?:api|access|private|secret|service_role|anon)[_-]?key$/i;
const ENV_KEY = /[A-Z0-9]_KEY$/;

function words(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export function looksSecretName(name: string): boolean {
  if (GLUED.test(name) || ENV_KEY.test(name)) return true;
  // The last word says what the value is: `password_store_dir` is a folder, `token_type` a type.
  const parts = words(name);
  const last = parts.at(-1);
  if (last && SECRET_WORDS.has(last)) return true;
  if (last === 'key' || last === 'keys') {
    const before = parts.at(-2);
    return !before || !PLAIN_KEYS.has(before);
  }
  return false;
}

/**
 * The same rule for a `name = value` or `name: value` met in output, where a bare `key` is too common
 * (`key: app` in YAML, `--key=path`) to mean a secret. A placeholder named `key` is still secret.
 */
export function looksSecretAssignment(name: string): boolean {
  return name.toLowerCase() !== 'key' && looksSecretName(name);
}
