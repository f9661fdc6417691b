// The session controller: secrets survive an environment switch and a resume, values are asked once,
// and what it asks goes through the prompts it is given.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { knownSecretsFor, SessionController, type SessionPrompts } from '../../src/session/controller.js';
import { purposeFrom } from '../../src/session/purpose.js';
import { redactString } from '../../src/session/redact.js';
import { looksSecretAssignment, looksSecretName } from '../../src/session/secretName.js';
import { freshHome } from '../helpers/session.js';

const DEV_PW = 'dev-pass-7c1e9a';
const STAGE_PW = 'stage-pass-44b0d2';
const TYPED_TOKEN = 'typed-tok-9f8e7d';

function project() {
  const home = freshHome();
  const dir = join(home.root, 'project');
  mkdirSync(dir);
  writeFileSync(join(dir, 'runbook.config.json'), JSON.stringify({
    defaultEnv: 'dev',
    environments: { dev: { databaseUrl: `postgres://ops:${DEV_PW}@db.invalid/app` }, staging: { databaseUrl: `postgres://ops:${STAGE_PW}@db.invalid/app` } },
  }));
  const file = join(dir, 'rb.md');
  // Each run prints the current environment's database URL, password and all.
  const text = '# RB\n## Check\n- `echo "db=$DATABASE_URL tok=<api token> t=<table>"`\n- done by hand\n';
  writeFileSync(file, text);
  const runbook = parseRunbook(text, { fileName: file });
  return { home, dir, file, runbook, loaded: { file, runbook, bytes: Buffer.from(text) } };
}

function recordingPrompts(values: Record<string, string>): SessionPrompts & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    purpose: async () => ({ kind: 'drill' }),
    value: async ({ name, secret }) => {
      asked.push(`${name}${secret ? ' (secret)' : ''}`);
      return values[name];
    },
    confirmEnvironment: async () => ({ given: false, asked: true }),
    confirmWrite: async () => ({ given: false, asked: true }),
  };
}

function logAndEvidence(dir: string): string {
  const evidence = join(dir, 'evidence');
  const files = readdirSync(evidence).map((f) => readFileSync(join(evidence, f), 'utf8'));
  return [readFileSync(join(dir, 'session.jsonl'), 'utf8'), ...files].join('\n');
}

describe('the session controller', () => {
  it('keeps every known secret across an environment switch and a resume, and asks a secret value again after the resume', async () => {
    const p = project();
    const env = resolveEnvironment({ cwd: p.dir });
    const prompts = recordingPrompts({ api_token: TYPED_TOKEN, table: 'users' });
    const controller = new SessionController({ env, prompts, cwd: p.dir, signer: { env: p.home.env }, sessionRoot: join(p.home.state, 'sessions') });
    controller.useRunbook(p.loaded);
    const section = p.runbook.sections[0]!;
    const step = section.steps[0]!;
    const run = () => controller.run({ section, step, action: step.actions[0]!, actionId: `${step.id}#1` });

    expect(controller.environments()).toEqual(['dev', 'staging', 'sandbox']);
    const first = await run();
    // The view folds the session from its first event.
    expect(controller.view).toMatchObject({ env: 'dev', envs: ['dev'], startedAt: expect.any(String) });
    expect(first.ran && first.outcome.status).toBe('ok');
    expect(prompts.asked).toEqual(['api_token (secret)', 'table']);

    controller.switchEnvironment('staging');
    expect(controller.view.envs).toEqual(['dev', 'staging']);
    // Secrets of the environment left behind, of the new one, and the typed one: all still redacted.
    controller.note(`old ${DEV_PW} new ${STAGE_PW} typed ${TYPED_TOKEN}`, section, step);
    const second = await run();
    expect(second.ran && second.outcome.status).toBe('ok');
    expect(prompts.asked).toHaveLength(2);
    const dir = controller.session!.dir;
    controller.leave('test: the terminal went away');

    const resumedPrompts = recordingPrompts({ api_token: TYPED_TOKEN });
    const resumed = SessionController.resume(dir, { prompts: resumedPrompts, cwd: p.dir, signer: { env: p.home.env }, loaded: p.loaded });
    expect(resumed.env.name).toBe('staging');
    resumed.note(`after resume: ${DEV_PW} ${STAGE_PW}`, section, step);
    const third = await resumed.run({ section, step, action: step.actions[0]!, actionId: `${step.id}#1` });
    expect(third.ran && third.outcome.status).toBe('ok');
    // The secret value lived only in the first process: asked again; the plain one was in the log.
    expect(resumedPrompts.asked).toEqual(['api_token (secret)']);
    resumed.note(`typed again: ${TYPED_TOKEN}`);
    await resumed.seal();

    const everything = logAndEvidence(dir);
    for (const secret of [DEV_PW, STAGE_PW, TYPED_TOKEN]) expect(everything).not.toContain(secret);
    expect(everything).toContain('[REDACTED');
    // The runs did print the passwords: the redaction, not luck, kept them out.
    expect(everything).toMatch(/db=postgres:\/\/ops:\[REDACTED:[a-z-]+\]@db.invalid/);
    const types = readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).type);
    expect(types.filter((t) => t === 'environment')).toHaveLength(1);
  });

  it('resumed on another environment than it stopped on, records the switch and knows both environments\' secrets', async () => {
    const p = project();
    const controller = new SessionController({ env: resolveEnvironment({ cwd: p.dir }), prompts: recordingPrompts({}), cwd: p.dir, signer: { env: p.home.env }, sessionRoot: join(p.home.state, 'sessions') });
    controller.useRunbook(p.loaded);
    await controller.ensureSession(p.runbook.sections[0]);
    const dir = controller.session!.dir;
    controller.leave('test');
    const resumed = SessionController.resume(dir, { envName: 'staging', cwd: p.dir, signer: { env: p.home.env }, loaded: p.loaded });
    resumed.note(`${DEV_PW} and ${STAGE_PW}`);
    resumed.leave('test');
    const log = readFileSync(join(dir, 'session.jsonl'), 'utf8');
    expect(log).not.toContain(DEV_PW);
    expect(log).not.toContain(STAGE_PW);
    expect(log.trim().split('\n').map((l) => JSON.parse(l)).map((e) => e.type)).toEqual(['started', 'interrupted', 'resumed', 'environment', 'note', 'interrupted']);
  });

  it('records nothing when the operator declines the protected environment, and lets the guard refuse when nobody could be asked', async () => {
    const p = project();
    const env = { ...resolveEnvironment({ cwd: p.dir }), protected: true };
    const asked = new SessionController({ env, prompts: recordingPrompts({ api_token: 'x'.repeat(12), table: 't' }), cwd: p.dir, signer: { env: p.home.env }, sessionRoot: join(p.home.state, 'sessions') });
    asked.useRunbook(p.loaded);
    const section = p.runbook.sections[0]!;
    const step = section.steps[0]!;
    const declined = await asked.run({ section, step, action: step.actions[0]!, actionId: 'a' });
    expect(declined).toMatchObject({ ran: false, why: 'not-confirmed' });
    expect(asked.view.runs).toEqual([]);
    asked.leave('test');

    const unattended = new SessionController({ env, purpose: { kind: 'routine' }, values: { api_token: 'y'.repeat(12), table: 't' }, cwd: p.dir, signer: { env: p.home.env }, sessionRoot: join(p.home.state, 'sessions') });
    unattended.useRunbook(p.loaded);
    const refused = await unattended.run({ section, step, action: step.actions[0]!, actionId: 'a' });
    expect(refused.ran && refused.outcome.status).toBe('refused');
    expect(unattended.view.runs.map((r) => r.status)).toEqual(['refused']);
    unattended.leave('test');
  });

  it('asks again for a protected environment after a switch away and back, and after a resume', async () => {
    const p = project();
    const config = JSON.parse(readFileSync(join(p.dir, 'runbook.config.json'), 'utf8'));
    config.environments.prod = { databaseUrl: 'postgres://ops:prod-pw-31337x@db.invalid/app', protected: true };
    writeFileSync(join(p.dir, 'runbook.config.json'), JSON.stringify(config));
    const asked: string[] = [];
    const prompts: SessionPrompts = {
      ...recordingPrompts({ api_token: TYPED_TOKEN, table: 'users' }),
      confirmEnvironment: async (env) => {
        asked.push(env.name);
        return { given: true, via: 'typed' };
      },
    };
    const controller = new SessionController({ env: resolveEnvironment({ cwd: p.dir }), prompts, cwd: p.dir, signer: { env: p.home.env }, sessionRoot: join(p.home.state, 'sessions') });
    controller.useRunbook(p.loaded);
    const section = p.runbook.sections[0]!;
    const step = section.steps[0]!;
    const run = async (c: SessionController) => {
      const result = await c.run({ section, step, action: step.actions[0]!, actionId: `${step.id}#1` });
      expect(result.ran && result.outcome.status).toBe('ok');
    };
    await run(controller);
    expect(asked).toEqual([]);
    controller.switchEnvironment('prod');
    await run(controller);
    await run(controller);
    expect(asked).toEqual(['prod']);
    controller.switchEnvironment('dev');
    controller.switchEnvironment('prod');
    await run(controller);
    expect(asked).toEqual(['prod', 'prod']);
    // Not on the list: refused with the list, and the session stays where it was.
    expect(() => controller.switchEnvironment('local')).toThrow('No environment "local" (known: dev, staging, prod, sandbox).');
    expect(controller.env.name).toBe('prod');
    const dir = controller.session!.dir;
    controller.leave('test');

    const resumed = SessionController.resume(dir, { prompts, cwd: p.dir, signer: { env: p.home.env }, loaded: p.loaded });
    await run(resumed);
    expect(asked).toEqual(['prod', 'prod', 'prod']);
    resumed.leave('test');
    const confirmations = readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'confirmed');
    expect(confirmations).toHaveLength(3);
    expect(readFileSync(join(dir, 'session.jsonl'), 'utf8')).not.toContain('prod-pw-31337x');
  });

  it('asks for placeholders named like Object.prototype members instead of filling in a function', async () => {
    const p = project();
    const text = '# T\n## S\n- `echo "c=<constructor> t=<toString>"`\n';
    writeFileSync(p.file, text);
    const runbook = parseRunbook(text, { fileName: p.file });
    const prompts = recordingPrompts({ constructor: 'one', toString: 'two' });
    const controller = new SessionController({ env: resolveEnvironment({ cwd: p.dir }), prompts, cwd: p.dir, signer: { env: p.home.env }, sessionRoot: join(p.home.state, 'sessions') });
    controller.useRunbook({ file: p.file, runbook, bytes: Buffer.from(text) });
    const section = runbook.sections[0]!;
    const step = section.steps[0]!;
    expect(controller.codeToCopy(step.actions[0]!).missing).toEqual(['constructor', 'toString']);
    const result = await controller.run({ section, step, action: step.actions[0]!, actionId: 'a' });
    expect(prompts.asked).toEqual(['constructor', 'toString']);
    expect(result.ran && result.outcome.status).toBe('ok');
    // Values are data: the code as run refers to them, the shell expands them once.
    expect(result.ran && result.outcome.code).toBe('echo "c=${RUNBOOK_VALUE_constructor} t=${RUNBOOK_VALUE_toString}"');
    controller.leave('test');
  });

  it('gathers known secrets in one place: the environment\'s, secret-named variables long enough to be real, and secret-named values', () => {
    const env = { ...resolveEnvironment({ processEnv: {} }), secrets: ['db-pw-1234'], vars: { DEPLOY_TOKEN: 'ghp_abcdefgh1234', SHORT_TOKEN: 'abc', PASSWORD_STORE_ENABLE: 'true', PATH: '/usr/bin' } };
    expect(knownSecretsFor(env, { api_key: 'k-12345', tablename: 'users', db_pass: 'hunter2' }).sort()).toEqual(['db-pw-1234', 'ghp_abcdefgh1234', 'hunter2', 'k-12345'].sort());
  });
});

describe('single homes', () => {
  it('one rule says which names hold secrets, for placeholders and the redactor alike', () => {
    for (const name of ['key', 'password', 'db_password', 'PGPASSWORD', 'api_token', 'apiToken', 'client_secret', 'service_role_key', 'STRIPE_KEY', 'stripe_key', 'db_pass', 'AccessKey', 'aws_secret_access_key', 'credentials'])
      expect([name, looksSecretName(name)]).toEqual([name, true]);
    expect(looksSecretAssignment('key')).toBe(false);
    expect(looksSecretAssignment('api_key')).toBe(true);
    for (const name of ['PASSWORD_STORE_DIR', 'token_type', 'secret_name', 'GIT_ASKPASS', 'tablename', 'primary_key', 'sort_key', 'monkey', 'keyspace', 'passenger', 'max_tokens', 'ref', 'pod_name', 'key_id', 'PWD'])
      expect([name, looksSecretName(name)]).toEqual([name, false]);
  });

  it('the redactor applies the same rule to what it meets in output', () => {
    const { text } = redactString('stripe_key=sk_live_abc123 primary_key=id key: app max_tokens=100\n');
    expect(text).toBe('stripe_key=[REDACTED:secret-assignment] primary_key=id key: app max_tokens=100\n');
  });

  it('one purposeFrom for the TUI and exec', () => {
    expect(purposeFrom({ incident: 'INC-1', severity: '2', title: 'x' })).toEqual({ kind: 'incident', id: 'INC-1', title: 'x', severity: '2' });
    expect(purposeFrom({ drill: true })).toEqual({ kind: 'drill' });
    expect(purposeFrom({ title: 'weekly' })).toEqual({ kind: 'routine', title: 'weekly' });
    expect(purposeFrom({})).toBeUndefined();
  });
});

describe('runbook exec and prototype-named placeholders', () => {
  it('names a missing <constructor> instead of filling in a function, and uses it when given', async () => {
    const { runCli } = await import('../helpers/cli.js');
    const p = project();
    writeFileSync(p.file, '# T\n## S\n- `echo "c=<constructor>"`\n');
    const missing = runCli(['exec', p.file, '--section', 's', '--env', 'dev', '--dry-run'], { cwd: p.dir, env: p.home.env });
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('Missing value for constructor');
    const given = runCli(['exec', p.file, '--section', 's', '--env', 'dev', '--set', 'constructor=one'], { cwd: p.dir, env: p.home.env });
    expect(given.code).toBe(0);
    expect(given.stdout).toMatch(/^c=one$/m);
  });
});
