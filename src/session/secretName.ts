// The one rule for "this name holds a secret": environment variables, placeholders, flags and labels in
// text (`PGPASSWORD`, `<api key>`, `--client-secret`, `"SecretAccessKey":`), but not `sort_key` or `max_tokens`.

const SECRET_WORDS_ANYWHERE = /password|passwd|passphrase|secret|credential/;
const SECRET_WORDS = new Set(['token', 'apikey', 'authorization', 'cookie', 'bearer', 'jwt', 'pat', 'dsn', 'privatekey', 'accesskey', 'secretkey', 'dockerconfigjson', 'dockercfg', 'htpasswd', 'creds', 'cred', 'otp', 'totp']);
// Words before `key` that make it a secret key even in lower case (`api_key`, `accessKey`), unlike `sort_key`.
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'service', 'role', 'anon', 'signing', 'encryption', 'master', 'account',
  'client', 'app', 'auth', 'session', 'sas', 'shared', 'storage', 'subscription', 'license', 'ssh', 'gpg', 'pgp',
  'deploy', 'webhook', 'hmac', 'jwt', 'consumer', 'write', 'admin', 'root', 'ingest', 'sendgrid', 'stripe', 'tls', 'ssl',
  'cookie', 'csrf', 'crypt', 'cipher', 'aes', 'rsa', 'ed25519', 'user', 'bot', 'server', 'client_secret', 'master',
]);
// A last word that says the value is about a secret, not the secret itself (`TOKEN_FILE`, `password_policy`).
const NOT_THE_SECRET = new Set([
  'file', 'path', 'dir', 'id', 'ids', 'count', 'type', 'name', 'names', 'header', 'expiry', 'expires', 'expiration', 'ttl',
  'length', 'len', 'size', 'prefix', 'hint', 'policy', 'enabled', 'required', 'field', 'column', 'version', 'rotation',
  'endpoint', 'uri', 'url', 'at', 'in', 'mode', 'format', 'min', 'max', 'limit', 'lifetime', 'label', 'env', 'ref',
  'encryption', 'method', 'algorithm', 'scheme', 'complexity', 'strength',
]);
const PRIVATE_NOT_SECRET = /^(?:ip|ipv4|ipv6|address|addr|host|hostname|subnet|network|net|dns|url|port|zone|endpoint|link|repo|registry|mode)$/;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a variable, placeholder, flag or field with this name holds a secret. */
export function looksSecretName(name: string): boolean {
  // A dotted name is a path into a structure: `request.jwt.claim.email` is an email, `auth.token` a token.
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1) return looksSecretName(name.slice(dot + 1));
  const parts = words(name);
  if (!parts.length) return false;
  const last = parts[parts.length - 1]!;
  if (parts.length > 1 && NOT_THE_SECRET.has(last)) return false;
  const joined = parts.join('');
  if (SECRET_WORDS_ANYWHERE.test(joined)) return true;
  // keytool's `-storepass`, `-keypass`, `-srcstorepass`; `DBPASS`, `ROOTPASS`: a password glued to what it opens.
  if (/^(?:src|dest)?(?:store|key|db|root|admin|user|ftp|smtp|mail|ldap|bind|redis)pass$/.test(joined)) return true;
  for (let i = 0; i < parts.length; i++) {
    const word = parts[i]!;
    if (SECRET_WORDS.has(word)) return true;
    if (word === 'private' && !(parts[i + 1] && PRIVATE_NOT_SECRET.test(parts[i + 1]!))) return true;
  }
  if (parts.length > 1 && (last === 'pass' || last === 'pwd' || last === 'pw')) return true;
  // An environment-style `PASS` or `PW` on its own (`export PASS=…`).
  if (parts.length === 1 && (last === 'pass' || last === 'pw') && !/[a-z]/.test(name)) return true;
  // `auth` as the whole name or its last word (Docker's config.json `"auth": "…"`, `basic_auth`).
  if (last === 'auth') return true;
  // A placeholder called just `<key>` is asked for masked: a wrong guess only hides what is typed.
  if (last === 'key' && parts.length === 1) return true;
  if (last === 'key' && parts.length > 1) {
    // ENV_STYLE_KEY is a secret; in lower case only a qualified key is (`api_key`, not `sort_key`).
    if (!/[a-z]/.test(name)) return true;
    return parts.slice(0, -1).some((w) => KEY_QUALIFIERS.has(w));
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
