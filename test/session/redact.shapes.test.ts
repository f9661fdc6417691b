// Secret shapes and the ways they appear that the first rounds did not cover, each tried in the places
// output puts it (JSON, YAML, env dumps, quotes, a psql cell, two chunks); and what must stay readable.
import { describe, expect, it } from 'vitest';
import { Redactor, redactString } from '../../src/session/redact.js';

// Fake secrets, assembled at run time so no scanner mistakes this file for a leak.
const r = (n: number, alphabet = 'aB3xK9mQ2vL7pZ4wR8tY6nC1') => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + n) % alphabet.length]).join('');
const hex = (n: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 5 + 3) % 16]).join('');
const uuid = `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;

function streamedAt(text: string, cut: number, knownSecrets: string[] = []): string {
  const redactor = new Redactor({ knownSecrets });
  const bytes = Buffer.from(text);
  return Buffer.concat([redactor.write(bytes.subarray(0, cut)), redactor.write(bytes.subarray(cut)), redactor.end()]).toString('utf8');
}

// [name, text, secret]: the secret must not survive, nor any 10-character piece of it.
const SHAPES: Array<[string, string, string]> = [
  // Vendor token shapes.
  ['Pulumi access token', `PULUMI said pul-${hex(40)}`, hex(40)],
  ['Terraform Cloud token', `token ${r(14)}.atlasv1.${r(67)}`, r(67)],
  ['Airtable personal access token', `pat${r(14)}.${hex(64)}`, hex(64)],
  ['Mapbox secret token', `sk.eyJ1Ijoi${r(60)}.${r(22)}`, r(60)],
  ['Bitbucket app password', `ATBB${r(32)}`, r(32)],
  ['Dropbox short-lived token', `sl.${r(135)}`, r(135)],
  ['Mailchimp API key', `apikey is ${hex(32)}-us21`, hex(32)],
  ['Sentry DSN key', `SENTRY_DSN https://${hex(32)}@o123456.ingest.sentry.io/4504`, hex(32)],
  ['a token as the user of a git URL', `git clone https://${r(40)}@github.com/o/r.git`, r(40)],
  ['PuTTY private key lines', `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${r(44)}\nPrivate-MAC: x`, r(44)],
  // Passwords given to tools.
  ['keytool -storepass', 'keytool -list -keystore k.jks -storepass St0re-pass1', 'St0re-pass1'],
  ['keytool -keypass', 'keytool -genkey -alias a -keypass K3y-pass12 -storepass x', 'K3y-pass12'],
  ['openssl -passin pass:', 'openssl rsa -in k.pem -passin pass:Opens5l-pw1', 'Opens5l-pw1'],
  ['openssl -k', 'openssl enc -aes-256-cbc -k 0penssl-K3y1 -in f', '0penssl-K3y1'],
  ['ldapsearch -w', 'ldapsearch -x -D cn=admin,dc=x -w Ld4p-Pass12 -b dc=x', 'Ld4p-Pass12'],
  ['smbclient -U user%pass', 'smbclient //files/share -U admin%Smb-pass123', 'Smb-pass123'],
  ['sqlcmd -P', 'sqlcmd -S db -U sa -P Sq1cmd-Pass1 -Q "select 1"', 'Sq1cmd-Pass1'],
  ['mongosh -p', 'mongosh "mongodb://h" -u admin -p M0ngo-Pass12', 'M0ngo-Pass12'],
  ['htpasswd -b', 'htpasswd -b /etc/nginx/.htpasswd admin Htp4sswd-12', 'Htp4sswd-12'],
  ['docker login -p', 'docker login -u ci -p D0cker-pass12 registry.example.com', 'D0cker-pass12'],
  ['ssh-keygen -N', "ssh-keygen -t ed25519 -N 'Ssh pass phrase1' -f key", 'Ssh pass phrase1'],
  ['zip -P', 'zip -P Z1p-pass1234 out.zip dump.sql', 'Z1p-pass1234'],
  ['7z -p', '7z a -pSeven-pw1234 out.7z dump.sql', 'Seven-pw1234'],
  ['redis-cli -aPASS', 'redis-cli -h cache -aR3dis-pw1234 ping', 'R3dis-pw1234'],
  ['redis AUTH', 'cache:6379> AUTH default R3dis-auth123', 'R3dis-auth123'],
  ['gh secret set --body', `gh secret set API_TOKEN --body ${r(30)}`, r(30)],
  ['MySQL SET PASSWORD', "SET PASSWORD FOR 'app'@'%' = 'SetPw-12345';", 'SetPw-12345'],
  // Ways a labelled secret appears.
  ['JSON inside a JSON string', '{"body":"{\\"password\\":\\"J50n-in-J50n\\"}"}', 'J50n-in-J50n'],
  ['a "pass" key in JSON', '{"user":"app","pass":"P4ss-only-12"}', 'P4ss-only-12'],
  ['XML element', '<server><id>r</id><password>Xm1-Pass-123</password></server>', 'Xm1-Pass-123'],
  ['URL-encoded form in a URL', 'next=%2Flogin%3Fuser%3Dops%26password%3DF0rm-pass12%26x%3D1', 'F0rm-pass12'],
  ['URL-encoded JSON body', 'body=%7B%22password%22%3A%22UrlJs0n-pw1%22%7D', 'UrlJs0n-pw1'],
  ['psql expanded display', '-[ RECORD 1 ]+-------------\nusename  | app\npassword | Expand3d-Pw1\nvalid    | t', 'Expand3d-Pw1'],
  ['vault kv get', '====== Data ======\nKey         Value\n---         -----\npassword    Vau1t-kv-pw1\nusername    app', 'Vau1t-kv-pw1'],
  ['Kubernetes env in YAML', '      env:\n      - name: POSTGRES_PASSWORD\n        value: K8s-env-pw12\n      - name: TZ\n        value: UTC', 'K8s-env-pw12'],
  ['Kubernetes env in JSON', '{"name":"POSTGRES_PASSWORD","value":"K8s-env-pw34"}', 'K8s-env-pw34'],
  ['ECS task definition', '"environment": [{"Name": "DB_PASSWORD", "Value": "Ecs-env-pw56"}]', 'Ecs-env-pw56'],
  ['YAML block scalar', 'db:\n  password: |\n    Bl0ck-pass-123\n  user: app', 'Bl0ck-pass-123'],
  ['YAML folded scalar under a private key', 'tls:\n  private_key: >-\n    Multi-line-secret-1\n    Multi-line-secret-2\nnext: 1', 'Multi-line-secret-'],
  ['.netrc over several lines', 'machine api.example.com\n  login ops\n  password N3trc-ML-123', 'N3trc-ML-123'],
];

describe('more secret shapes', () => {
  it.each(SHAPES)('%s', (_name, text, secret) => {
    const out = redactString(text).text;
    expect(out).toContain('[REDACTED:');
    for (let i = 0; i + 10 <= secret.length; i += 5) expect(out, out).not.toContain(secret.slice(i, i + 10));
  });

  it.each(SHAPES)('%s, split across two chunks at every point', (_name, text, secret) => {
    const full = `first line\n${text}\nlast line\n`;
    for (let cut = 1; cut < full.length; cut++) expect(streamedAt(full, cut), `cut at ${cut}`).not.toContain(secret.slice(0, 10));
  });
});

describe('the same secret in the places output puts it', () => {
  const token = 'gh' + 'p_' + r(36);
  const password = 'Plac3s-pw-4711';
  const places: Array<[string, string]> = [
    ['env dump', `HOME=/root\nDB_PASSWORD=${password}\nGH_TOKEN=${token}\n`],
    ['export -p', `declare -x DB_PASSWORD="${password}"\ndeclare -x GH_TOKEN="${token}"\n`],
    ['docker inspect', `"Env": ["DB_PASSWORD=${password}", "GH_TOKEN=${token}"]`],
    ['YAML', `db_password: "${password}"\ngh_token: '${token}'\n`],
    ['JSON', `{"db_password": "${password}", "gh_token": "${token}"}`],
    ['JSON escaped in JSON', `"{\\"db_password\\": \\"${password}\\", \\"gh_token\\": \\"${token}\\"}"`],
    ['URL-encoded', `db_password=${encodeURIComponent(password)}&gh_token=${token}`],
    ['psql aligned cell', ` name        | value\n-------------+-------\n db_password | ${password}\n gh_token    | ${token}\n`],
    ['psql expanded', `db_password | ${password}\ngh_token    | ${token}\n`],
  ];
  it.each(places)('%s', (_name, text) => {
    const out = redactString(text).text;
    expect(out).not.toContain(password);
    expect(out).not.toContain(r(36));
  });
});

describe('what must stay readable', () => {
  const digest = hex(64);
  const ordinary = [
    `commit ${hex(40)}`,
    `Merge: ${hex(7)} ${hex(7)}`,
    `id ${uuid}`,
    `sha256:${digest}  evidence/${digest}`,
    `"prev":"${digest}","seq":12`,
    `evidence ${Buffer.from('ordinary output of a command, nothing secret').toString('base64')}`,
    'name         | value\n-------------+------\n max_tokens  | 100\n sort_key    | 3\n',
    'NAME                READY   STATUS\napi-7d9f8b6c5-xk2lp  1/1     Running\n',
    'Key         Value\n---         -----\nusername    app\nttl         768h\n',
    '- name: TZ\n  value: UTC\n',
    '- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n      key: password\n',
    'password: ${DB_PASSWORD}\napi_key: <your key>\n',
    'script: |\n  echo hello\n  make test\n',
    '<name>server</name><url>https://example.com</url>',
    'docker login registry.example.com',
    'redis-cli -h cache ping',
    'openssl x509 -in cert.pem -noout -text',
    'zip -r out.zip folder',
    'ssh-keygen -t ed25519 -f key',
    'AUTH is required for this command',
    'password_encryption | scram-sha-256',
    'SCRAM-SHA-256 is used by default',
    'git clone https://github.com/owner/repository.git',
    'https://user@example.com/path',
    'cat /etc/passwd | cut -d: -f1',
  ];
  it.each(ordinary.map((o) => [o]))('%s', (text) => {
    expect(redactString(text).text).toBe(text);
  });
});

describe('cells under a secret-named column', () => {
  const streamed = (text: string, chunk: number) => {
    const redactor = new Redactor();
    const bytes = Buffer.from(text);
    const parts: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += chunk) parts.push(redactor.write(bytes.subarray(i, i + chunk)));
    parts.push(redactor.end());
    return Buffer.concat(parts).toString('utf8');
  };

  it('a query result as CSV evidence: the first line names the columns', () => {
    const csv = 'id,username,api_token,"password"\n1,app,plain-words-1,"Pl4in, quoted ""pw"""\n2,ops,,plain-words-2\n';
    for (const chunk of [3, 7, 64, 4096]) {
      const out = streamed(csv, chunk);
      expect(out).not.toContain('plain-words');
      expect(out).not.toContain('Pl4in');
      expect(out).toBe('id,username,api_token,"password"\n1,app,[REDACTED:secret-assignment],[REDACTED:secret-assignment]\n2,ops,,[REDACTED:secret-assignment]\n');
    }
  });

  it('a psql table in command output', () => {
    const table = ' id | username |  api_token   | note\n----+----------+--------------+------\n  1 | app      | plain-words1 | ok\n  2 | ops      | plain-words2 | ok\n(2 rows)\n\nafter | plain-words3\n';
    for (const chunk of [5, 4096]) {
      const out = streamed(`$ psql -c 'select …'\n${table}`, chunk);
      expect(out).not.toContain('plain-words1');
      expect(out).not.toContain('plain-words2');
      expect(out).toContain('  1 | app      | [REDACTED:secret-assignment] | ok');
      // The table ended: what follows is judged as usual.
      expect(out).toContain('after | plain-words3');
    }
  });

  it('leaves tables without a secret column alone', () => {
    for (const text of ['id,name,sort_key,max_tokens\n1,app,3,100\n', ' name | setting\n------+---------\n password_encryption | scram-sha-256\n', 'tablename,policyname,qual\nebooks,owner,(auth.uid() = owner_id)\n'])
      expect(streamed(text, 4096)).toBe(text);
  });
});
