import { looksSecretAssignment } from '../../src/session/secretName.js';
import { describe, expect, it } from 'vitest';
import { redactFields, redactString } from '../../src/session/redact.js';
import { buildKnownSecrets, looksLikeToken, looksSecretName, secretValuesFromEnv } from '../../src/session/secrets.js';

// Fake tokens, assembled at run time so no scanner mistakes this file for a leak.
const r = (n: number, alphabet = 'aB3xK9mQ2vL7pZ4wR8tY6nC1') => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + n) % alphabet.length]).join('');
const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 5 + 3) % 16]).join('');
const b64Basic = Buffer.from('ops:hunter2-prod').toString('base64');

const SHAPES: Array<[string, string, (secret: string) => string]> = [
  ['GitHub classic', 'gh' + 'p_' + r(36), (s) => `remote: using ${s} to push`],
  ['GitHub OAuth', 'gh' + 'o_' + r(36), (s) => `token=${s}`],
  ['GitHub app server', 'gh' + 's_' + r(36), (s) => `echo ${s}`],
  ['GitHub fine-grained', 'github_' + 'pat_' + r(22) + '_' + r(59), (s) => `${s}`],
  ['GitLab', 'gl' + 'pat-' + r(20), (s) => `git clone https://oauth2:${s}@gitlab.com/x.git`],
  ['GitLab runner', 'gl' + 'rt-' + r(24), (s) => `runner registered with ${s}`],
  ['Slack bot', 'xo' + 'xb-' + '1234567890-' + r(24), (s) => `SLACK said ${s}`],
  ['Slack user', 'xo' + 'xp-' + '1234567890-' + r(24), (s) => `"${s}"`],
  ['Slack webhook', 'https://hooks.slack.com/services/T0000/B0000/' + r(24), (s) => `curl -X POST ${s}`],
  ['Stripe live', 'sk' + '_live_' + r(24), (s) => `stripe key ${s}`],
  ['Stripe restricted', 'rk' + '_live_' + r(24), (s) => `${s}`],
  ['Stripe test', 'sk' + '_test_' + r(24), (s) => `using ${s}`],
  ['Google API key', 'AI' + 'za' + r(35), (s) => `?key=${s}`],
  ['npm', 'np' + 'm_' + r(36), (s) => `//registry.npmjs.org/:_authToken ${s}`],
  ['AWS key id', 'AK' + 'IA' + 'IOSFODNN7ABCDEFG'.slice(0, 16), (s) => `aws_access_key_id=${s}`],
  ['AWS secret alone', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY', (s) => `${s}`],
  ['AWS secret in config', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY', (s) => `aws_secret_access_key = ${s}`],
  ['AWS secret in env', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLEKEY', (s) => `export AWS_SECRET_ACCESS_KEY="${s}"`],
  ['Supabase access token', 'sb' + 'p_' + hex(40), (s) => `${s}`],
  ['Supabase secret key', 'sb_' + 'secret_' + r(32), (s) => `${s}`],
  ['JWT', 'eyJ' + 'hbGciOiJIUzI1NiJ9.eyJ' + 'yb2xlIjoic2VydmljZV9yb2xlIn0.' + r(43), (s) => `apikey ${s}`],
  ['Bearer header', 'abc' + r(30), (s) => `curl -H 'Authorization: Bearer ${s}' https://api`],
  ['Bearer in JSON', 'tok' + r(30), (s) => `{"headers":{"Authorization":"Bearer ${s}"}}`],
  ['Bearer in YAML', 'tok' + r(30), (s) => `authorization: Bearer ${s}`],
  ['Basic header', b64Basic, (s) => `Authorization: Basic ${s}`],
  ['Basic in a header map', b64Basic, (s) => `headers = { auth: "Basic ${s}" }`],
  ['URL password', 'p@ss:w0rd-here', (s) => `postgres://app:${s}@db:5432/app`],
  ['URL password https', 'hunter2hunter2', (s) => `https://admin:${s}@example.com/`],
  ['Twilio', 'SK' + hex(32), (s) => `twilio api key ${s}`],
  ['SendGrid', 'SG' + '.' + r(22) + '.' + r(43), (s) => `${s}`],
  ['Azure AccountKey', r(86) + '==', (s) => `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${s};EndpointSuffix=core.windows.net`],
  ['Azure SAS sig', 'abc%2Fdef' + r(20) + '%3D', (s) => `https://x.blob.core.windows.net/c?sv=2022&sig=${s}&se=2026`],
  ['Datadog env', hex(32), (s) => `DD_API_KEY=${s}`],
  ['Datadog header', hex(32), (s) => `-H "DD-API-KEY: ${s}"`],
  ['Heroku', 'HR' + 'KU-' + r(60), (s) => `${s}`],
  ['Heroku env', '01234567-89ab-cdef-0123-456789abcdef', (s) => `HEROKU_API_KEY=${s}`],
  ['JSON password', 'Tr0ub4dor&3', (s) => `{"user":"app","password":"${s}"}`],
  ['YAML secret', 'mY-s3cret-value', (s) => `  client_secret: ${s}`],
  ['CLI --password=', 'hunter2-xyz', (s) => `pg_dump --password=${s} db`],
  ['CLI --password space', 'hunter2-xyz', (s) => `vault login --password ${s}`],
  ['CLI --token space', 'abc123def456', (s) => `doctl auth init --access-token ${s}`],
  ['mysql -p', 'hunter2-xyz', (s) => `mysql -u root -p${s} app`],
  ['curl -u', 'hunter2-xyz', (s) => `curl -u admin:${s} https://x`],
  ['libpq password', "it's secret", (s) => `psql "host=db password='${s}'"`],
  ['PEM key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow' + r(60) + '\n-----END RSA PRIVATE KEY-----', (s) => `key:\n${s}\nend`],
  ['OpenAI', 'sk-' + 'proj-' + r(48), (s) => `${s}`],
  ['Vault', 'hv' + 's.' + r(24), (s) => `VAULT said ${s}`],
  ['Cookie', 'session=' + r(30), (s) => `Cookie: ${s}`],
  ['X-Vault-Token header', r(26), (s) => `X-Vault-Token: ${s}`],
  ['unnamed vendor token', 'zk' + 'live_' + r(40), (s) => `got ${s} back`],
  ['presigned S3', r(64), (s) => `https://b.s3.amazonaws.com/k?X-Amz-Signature=${s}&X-Amz-Date=1`],
  ['SQL CREATE ROLE', 'Sup3r-s3cret', (s) => `CREATE ROLE app LOGIN PASSWORD '${s}';`],
  ['SQL ALTER USER', "it''s-s3cret", (s) => `alter user app with password '${s}'`],
  ['MySQL IDENTIFIED BY', 'Sup3r-s3cret', (s) => `CREATE USER 'a'@'%' IDENTIFIED BY '${s}';`],
  ['netrc', 'n3trc-pass', (s) => `machine api.example.com login ops password ${s}`],
  ['ODBC Pwd', 'Odbc-Pass-1', (s) => `Driver={x};Server=db;Uid=sa;Pwd=${s};`],
  ['Docker config auth', b64Basic, (s) => `{"auths":{"ghcr.io":{"auth":"${s}"}}}`],
  ['JSON value with an escaped quote', 'a\\"b-s3cret-tail', (s) => `{"password":"${s}"}`],
  ['Kubernetes tls.key', Buffer.from('-----BEGIN RSA PRIVATE KEY-----\nMIIEow').toString('base64'), (s) => `  tls.key: ${s}`],
  ['Kubernetes tls.key base64 alone', Buffer.from('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg').toString('base64'), (s) => `${s}`],
  ['AWS session token alone', 'IQoJb3JpZ2luX2VjE' + r(80), (s) => `${s}`],
  ['Discord webhook', 'https://discord.com/api/webhooks/123456789/' + r(60), (s) => `${s}`],
  ['Google refresh token', '1//0' + r(40), (s) => `refresh ${s}`],
  ['AWS MWS', 'amzn.mws.' + '4ea38b7b-f563-7709-4bae-87aeaEXAMPLE'.replace('EXAMPLE', '1a2b3c4'), (s) => `mws ${s}`],
  ['GitLab runner registration', 'GR1348941' + r(20), (s) => `${s}`],
  ['dockerconfigjson', 'eyJhdXRocyI6e30' + r(30), (s) => `  .dockerconfigjson: ${s}`],
];

describe('secret shapes', () => {
  it.each(SHAPES)('%s never reaches the output', (_name, secret, context) => {
    const text = context(secret);
    const { text: out } = redactString(text);
    // Neither the secret nor any 12-character piece of it survives.
    expect(out).not.toContain(secret);
    const core = secret.replace(/^[A-Za-z]+[_-]/, '');
    for (let i = 0; i + 12 <= core.length; i += 6) if (/[0-9]/.test(core.slice(i, i + 12))) expect(out).not.toContain(core.slice(i, i + 12));
    expect(out).toContain('[REDACTED:');
  });

  it('leaves ordinary output alone', () => {
    const ordinary = [
      'commit 3f786850e387550fdab836ed7e6dc881de23001b',
      'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'pod/api-server-7d9f8b6c5-xk2lp   1/1  Running',
      'max_tokens=100 sort_key: 3 primary_key = id',
      'PWD=/home/ops  SHELL=/bin/bash',
      'Basic usage: runbook list FILE',
      'token_type: bearer',
      'private: true',
      'id 3F2504E0-4F89-11D3-9A0C-0305E82C3301',
      'select * from pg_policies where tablename = \'ebooks\'',
      'PGPASSWORD=$PGPASSWORD psql -h db',
      '--password <password>',
      'GetObjectAclRequestHandler process_incoming_requests',
    ];
    for (const line of ordinary) expect(redactString(line).text).toBe(line);
  });
});

describe('the known-secret set', () => {
  it('names that look secret', () => {
    for (const name of ['PGPASSWORD', 'GITHUB_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'STRIPE_KEY', 'DB_PASS', 'MYSQL_PWD', 'SSH_PRIVATE_KEY', 'GOOGLE_CREDENTIALS', 'apiKey', 'SecretAccessKey', 'client-secret', 'api key', 'service_role_key', 'x-api-key', 'AccountKey', 'PASSPHRASE'])
      expect(looksSecretName(name), name).toBe(true);
    for (const name of ['PWD', 'OLDPWD', 'max_tokens', 'sort_key', 'primary_key', 'TOKEN_FILE', 'PRIVATE_IP', 'ref', 'tablename', 'HOME', 'password_policy'])
      expect(looksSecretName(name), name).toBe(false);
    // A placeholder called just <key> is asked for masked; `key: app` met in output is no secret.
    expect(looksSecretName('key')).toBe(true);
    expect(looksSecretAssignment('key')).toBe(false);
  });

  it('takes secret-named environment variables from the start, but not paths or booleans', () => {
    const values = secretValuesFromEnv({ PGPASSWORD: 'correct-horse', GITHUB_TOKEN: 'gh-t0ken-value', PATH: '/usr/bin', SSH_KEY_FILE: '/k', GOOGLE_CREDENTIALS: '/etc/gcp.json', FEATURE_TOKEN: 'true', PWD: '/home/ops' });
    expect(values.sort()).toEqual(['correct-horse', 'gh-t0ken-value']);
  });

  it('treats a placeholder as secret by its name or by its value', () => {
    const known = buildKnownSecrets({ placeholders: { db_password: 'plain-words', ref: 'abcdefghijklmnop', token_like: 'nothing', pasted: 'gh' + 'p_' + r(36), note: 'Xk29fLq8Rz3mVb7Tn4Wc1Yp6' } });
    expect(known.values.sort()).toEqual(['Xk29fLq8Rz3mVb7Tn4Wc1Yp6', 'gh' + 'p_' + r(36), 'nothing', 'plain-words'].sort());
    expect(looksLikeToken('ebooks')).toBe(false);
  });

  it('redacts a known secret in its URL-encoded, JSON-escaped and base64 forms', () => {
    const secret = 'p@ss/"w0rd"';
    const text = ['raw p@ss/"w0rd"', `url ${encodeURIComponent(secret)}`, `json ${JSON.stringify(secret)}`, `b64 ${Buffer.from(secret).toString('base64')}`].join('\n');
    const out = redactString(text, { knownSecrets: [secret] }).text;
    expect(out).not.toContain('w0rd');
    expect(out).not.toContain(Buffer.from(secret).toString('base64').slice(0, 12));
  });

  it('redacts every string field of an event but keeps hashes and keys', () => {
    const event = { type: 'started', sha256: 'a'.repeat(64), key: 'ssh-ed25519 AAAA', section: { title: `Rotate ${'gh' + 'p_' + r(36)}` }, list: ['PGPASSWORD=abc-123-def'] };
    const counts = {};
    const out = redactFields(event, {}, counts);
    expect(JSON.stringify(out)).not.toContain(r(36));
    expect(JSON.stringify(out)).not.toContain('abc-123-def');
    expect(out.sha256).toBe(event.sha256);
    expect(out.key).toBe(event.key);
    expect(Object.keys(counts).length).toBeGreaterThan(0);
  });
});

describe('known secrets survive resume', () => {
  it('redacts secret-named variables and URL passwords of the environment from the start and after resume', async () => {
    const { Session } = await import('../../src/session/session.js');
    const { freshHome, startTestSession } = await import('../helpers/session.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { env } = freshHome();
    const saved = { ...process.env };
    process.env.INCIDENT_API_TOKEN = 'plain-words-token-value';
    process.env.DATABASE_URL = 'postgres://app:bare%2Fpass-42@db.internal:5432/app';
    try {
      const session = startTestSession(env);
      session.note({}, 'before: plain-words-token-value and bare/pass-42');
      session.interrupt('test');
      const { session: resumed } = Session.resume(session.dir);
      resumed.note({}, 'after: plain-words-token-value and bare/pass-42');
      resumed.setPlaceholder({}, 'db_user', 'gh' + 'p_' + r(36), false);
      resumed.close();
      const log = readFileSync(join(session.dir, 'session.jsonl'), 'utf8');
      expect(log).not.toContain('plain-words-token-value');
      expect(log).not.toContain('bare/pass-42');
      expect(log).not.toContain(r(36));
      expect(log).toContain('"secret":true');
    } finally {
      process.env = saved;
    }
  });
});

describe('evidence under investigation stays readable', () => {
  it('keeps an RLS policy that reads a JWT claim whole: a dotted field name and a SQL cast are no secret', () => {
    const qual = "(owner_id = ( SELECT profiles.id FROM profiles WHERE (profiles.email = current_setting('request.jwt.claim.email'::text, true))))";
    expect(redactString(`${qual}\n`).text).toBe(`${qual}\n`);
    expect(redactString("select current_setting('request.jwt.claims', true)::json->>'sub'\n").text).toBe("select current_setting('request.jwt.claims', true)::json->>'sub'\n");
    expect(looksSecretName('request.jwt.claim.email')).toBe(false);
    expect(looksSecretName('auth.token')).toBe(true);
    expect(redactString('auth.token: s3cr3t-Value-123\n').text).not.toContain('s3cr3t-Value-123');
  });
});
