// Variables carried from step to step, attacked: values that look like code, names that change how
// later commands run or defeat the read-only tier, actions that hide or fake their exports. Every case
// runs real bash through the session controller (the path exec and the TUI share), with the real guard
// and, where the database matters, a real PostgreSQL.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import type { Section } from '../../src/runbook/model.js';
import { SessionController, type RunResult, type SessionPrompts } from '../../src/session/controller.js';
import type { SessionEvent } from '../../src/session/events.js';
import { query } from '../helpers/postgres.js';
import { scratchDatabase } from '../helpers/scratchDatabase.js';
import { freshProject } from '../helpers/session.js';

let db: { url: string; drop(): Promise<void> };

beforeAll(async () => {
  db = await scratchDatabase(inject('databaseUrl'), [], 'carry');
  await query(db.url, `create table jobs (id serial primary key, status text not null); insert into jobs (status) select 'queued' from generate_series(1, 3);`);
});
afterAll(async () => db?.drop());

interface Walk {
  results: RunResult[];
  outputs: string[];
  asked: string[];
  events: SessionEvent[];
  log: string;
  evidence: string;
  controller: SessionController;
  dir: string;
}

/** A fence per step (`sql:` at the start makes it a SQL fence); `DIR` in the code is a private folder of the case. */
function runbookOf(steps: string[], dir: string): string {
  const fence = (code: string) => (code.startsWith('sql:') ? ['sql', code.slice(4)] : ['bash', code]);
  return ['# Carry', '## Go', ...steps.map((step, i) => {
    const [lang, code] = fence(step);
    return `${i + 1}. Step ${i + 1}:\n   \`\`\`\`${lang}\n${code!.replaceAll('DIR', dir).split('\n').map((l) => `   ${l}`).join('\n')}\n   \`\`\`\``;
  })].join('\n') + '\n';
}

interface WalkOptions {
  answers?: Record<string, string>;
  /** Which actions (1-based) the operator allows to write; default none. */
  allow?: number[];
  databaseUrl?: string;
  /** Files to put in the case's folder first (DIR in their text is that folder). */
  files?: Record<string, string>;
}

async function walk(steps: string[], options: WalkOptions = {}): Promise<Walk & { case: string }> {
  const { home, project } = freshProject();
  const dir = join(home.root, 'case');
  mkdirSync(dir);
  for (const [name, body] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), body.replaceAll('DIR', dir));
  const text = runbookOf(steps, dir);
  const file = join(project, 'carry.md');
  writeFileSync(file, text);
  const runbook = parseRunbook(text, { fileName: file });
  const asked: string[] = [];
  let current = 0;
  const prompts: SessionPrompts = {
    purpose: async () => ({ kind: 'drill' }),
    value: async ({ name, why }) => {
      asked.push(why ? `${name}: ${why}` : name);
      return options.answers?.[name];
    },
    confirmEnvironment: async () => ({ given: true, via: 'typed' }),
    confirmWrite: async () => (options.allow?.includes(current) ? { given: true, via: 'confirmed' } : { given: false, asked: true }),
  };
  const env = resolveEnvironment({ cwd: project, processEnv: { ...home.env, DATABASE_URL: options.databaseUrl ?? db.url } });
  const controller = new SessionController({ env, prompts, cwd: project, signer: { env: home.env }, sessionRoot: join(home.state, 'sessions') });
  controller.useRunbook({ file, runbook, bytes: Buffer.from(text) });
  const section: Section = runbook.sections[0]!;
  const results: RunResult[] = [];
  const outputs: string[] = [];
  for (const step of section.steps) {
    current++;
    const result = await controller.run({ section, step, action: step.actions[0]!, actionId: `${step.id}#1` });
    results.push(result);
    outputs.push(result.ran ? result.outcome.shell?.tail.text() ?? '' : `not run: ${result.message}`);
  }
  const sessionDir = controller.session!.dir;
  const log = readFileSync(join(sessionDir, 'session.jsonl'), 'utf8');
  const evidenceDir = join(sessionDir, 'evidence');
  const evidence = existsSync(evidenceDir) ? readdirSync(evidenceDir).map((f) => readFileSync(join(evidenceDir, f), 'utf8')).join('\n') : '';
  const events = log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as SessionEvent);
  return { results, outputs, asked, events, log, evidence, controller, dir: sessionDir, case: dir };
}

const variablesEvents = (w: Walk) => w.events.filter((e) => e.type === 'variables') as Array<Extract<SessionEvent, { type: 'variables' }>>;

describe('carried values are data, never code', () => {
  const payloads: Array<[string, string]> = [
    ['command substitution', '$(touch DIR/MARK)'],
    ['backticks', '`touch DIR/MARK`'],
    ['SQL injection', "x'; DROP TABLE jobs; --"],
    ['newlines and a second command', 'first\ntouch DIR/MARK\n$(touch DIR/MARK)'],
    ['quotes of every kind', `a'b"c\\d$e\`f`],
    ['terminal escapes', 'title \u001b]0;owned\u0007 and \u001b[2J cleared'],
  ];
  it.each(payloads)('%s: reaches later shell and SQL actions as the same text, runs nothing', async (_name, raw) => {
    // The payload arrives through a file, as a value fetched by `oc get` would: no quoting of ours.
    const { home } = freshProject();
    const payloadFile = join(home.root, 'payload');
    const payloadDir = join(home.root, 'case-dir');
    mkdirSync(payloadDir);
    const payload = raw.replaceAll('DIR', payloadDir);
    writeFileSync(payloadFile, payload);
    const w = await walk([
      `export EVIL="$(cat ${payloadFile}; printf .)"; EVIL="\${EVIL%.}"`,
      'printf "[%s]" "$EVIL"; echo; echo unquoted: $EVIL',
      'printf "[%s]" "<EVIL>"',
      `psql "$DATABASE_URL" -X -q -At -c "select count(*) from jobs where status = '<EVIL>'"`,
      "sql:select count(*) as n, '<EVIL>' as echoed from jobs where status = '<EVIL>'",
    ]);
    expect(w.results.map((r) => r.ran && r.outcome.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    const sql = w.results[4]!.ran ? w.results[4]!.outcome.sql! : undefined;
    expect(sql!.statements[0]!.page).toEqual([['0', payload]]);
    expect(w.asked).toEqual([]);
    expect(existsSync(join(payloadDir, 'MARK'))).toBe(false);
    expect(w.outputs[2]).toBe(`[${payload}]`);
    expect(w.outputs[1]!.startsWith(`[${payload}]`)).toBe(true);
    expect(w.outputs[3]!.trim()).toBe('0');
    expect((await query(db.url, 'select count(*)::int as n from jobs'))[0]?.n).toBe(3);
    // The event holds the value exactly (it is not secret), as JSON.
    expect(variablesEvents(w)[0]!.set).toEqual([{ name: 'EVIL', value: payload }]);
  });

  it('a carried program name is judged with its value: `$CMD` set to rm is a write, refused without permission', async () => {
    const w = await walk(['export CMD=rm TARGET=DIR/victim', '$CMD -f "$TARGET"'], { files: { victim: 'precious\n' } });
    expect(w.results[1]).toMatchObject({ ran: false, why: 'declined' });
    expect(w.events.find((e) => e.type === 'action.refused')).toMatchObject({ action: 'go/2#1', code: '$CMD -f "$TARGET"' });
    expect(existsSync(join(w.case, 'victim'))).toBe(true);
  });

  it('a 1 MB value is recorded by size and not carried; the log line stays small and later actions still start', async () => {
    const w = await walk([
      "export BIG=$(head -c 1048576 /dev/zero | tr '\\0' x) SMALL=ok",
      'echo "big=${#BIG} small=$SMALL"',
    ]);
    expect(w.results.map((r) => r.ran && r.outcome.status)).toEqual(['ok', 'ok']);
    expect(w.outputs[1]).toBe('big=0 small=ok');
    const [event] = variablesEvents(w);
    expect(event!.set.find((e) => e.name === 'BIG')).toEqual({ name: 'BIG', notCarried: expect.stringMatching(/1,048,576 bytes/) });
    expect(Math.max(...w.log.split('\n').map((l) => l.length))).toBeLessThan(4096);
  });

  it('binary junk that is not UTF-8 is not carried; junk that is valid text is, and the log stays valid JSON', async () => {
    const w = await walk([
      "export JUNK=$(printf '\\xff\\xfe\\x80abc') TEXTY=$(printf 'a\\x01\\x7f\\xc3\\xa9')",
      'echo "junk=${JUNK-unset} texty=${#TEXTY}"',
    ]);
    expect(w.outputs[1]).toBe('junk=unset texty=4');
    const set = variablesEvents(w)[0]!.set;
    expect(set.find((e) => e.name === 'JUNK')!.notCarried).toMatch(/not UTF-8/);
    expect(set.find((e) => e.name === 'TEXTY')).toEqual({ name: 'TEXTY', value: 'a\u0001\u007fé' });
  });
});

describe('names that change how later commands run never carry', () => {
  it('BASH_ENV, ENV, exported functions, PATH, IFS, LD_PRELOAD, PROMPT_COMMAND and PS4 do not reach the next action', async () => {
    const w = await walk(
      [
        [
          'printf "touch DIR/MARK-bash-env\\n" > DIR/evil.sh',
          'export BASH_ENV=DIR/evil.sh ENV=DIR/evil.sh PROMPT_COMMAND="touch DIR/MARK-prompt" PS4=\'$(touch DIR/MARK-ps4)\' SHELLOPTS',
          'export PATH="DIR:$PATH" IFS=x LD_PRELOAD=DIR/nothing.so NODE_OPTIONS="--require DIR/evil.js"',
          'ls() { touch DIR/MARK-function; }; export -f ls',
          'export RUNBOOK_VALUE_table=\'$(touch DIR/MARK-value)\' NAMESPACE=kept',
        ].join('\n'),
        'set -x; ls DIR >/dev/null; bash -c "echo child" ; echo "ifs=${IFS@Q} bash_env=${BASH_ENV-unset} path_has_case=$([[ $PATH == *DIR* ]] && echo yes || echo no)"; echo "table=<table>"',
      ],
      { allow: [1], answers: { table: 'users' } },
    );
    expect(w.results.map((r) => (r.ran ? r.outcome.status : r.message)), w.outputs.join('\n')).toEqual(['ok', 'ok']);
    expect(readdirSync(w.case).filter((f) => f.startsWith('MARK'))).toEqual([]);
    expect(w.outputs[1]).toContain('bash_env=unset path_has_case=no');
    expect(w.outputs[1]).toContain("ifs=$' \\t\\n'");
    expect(w.outputs[1]).toContain('table=users');
    const set = variablesEvents(w)[0]!.set;
    const notCarried = set.filter((e) => e.notCarried).map((e) => e.name).sort();
    expect(notCarried).toEqual(['BASH_ENV', 'ENV', 'IFS', 'LD_PRELOAD', 'NODE_OPTIONS', 'PATH', 'PROMPT_COMMAND', 'PS4', 'RUNBOOK_VALUE_table', 'SHELLOPTS']);
    expect(set.find((e) => e.name === 'NAMESPACE')).toEqual({ name: 'NAMESPACE', value: 'kept' });
    expect(w.controller.carriedValues()).toEqual({ NAMESPACE: 'kept' });
  });

  it('PGOPTIONS, PSQLRC, PGSERVICEFILE and DATABASE_URL exported with permission cannot make a later action write to the database', async () => {
    const w = await walk(
      [
        [
          "export PGOPTIONS='-c default_transaction_read_only=off' PSQLRC=DIR/psqlrc PGSERVICEFILE=DIR/service.conf PGSERVICE=w",
          'export DATABASE_URL="$DATABASE_URL?options=-c%20default_transaction_read_only%3Doff"',
        ].join('\n'),
        // Not known to be read-only, so it runs without asking outside a protected environment: the database refuses the write.
        'node DIR/job.cjs',
      ],
      {
        allow: [1],
        files: {
          'service.conf': '[w]\noptions=-c default_transaction_read_only=off\n',
          psqlrc: 'set default_transaction_read_only = off;\n',
          // A program the guard cannot see into: it deletes through psql twice (with DATABASE_URL, and through PGSERVICE).
          'job.cjs': `const { spawnSync } = require('node:child_process');
for (const args of [[process.env.DATABASE_URL, '-X', '-c', 'delete from jobs'], ['-c', 'delete from jobs']]) {
  const r = spawnSync('psql', args, { encoding: 'utf8' });
  process.stdout.write(r.stdout + r.stderr);
}`,
        },
      },
    );
    expect(w.results.map((r) => (r.ran ? r.outcome.status : r.message)), w.outputs.join('\n')).toEqual(['ok', 'ok']);
    expect(w.outputs[1]).toMatch(/read-only transaction/);
    expect((await query(db.url, 'select count(*)::int as n from jobs'))[0]?.n).toBe(3);
    const set = variablesEvents(w)[0]!.set;
    expect(set.filter((e) => e.notCarried).map((e) => e.name).sort()).toEqual(['DATABASE_URL', 'PGOPTIONS', 'PGSERVICE', 'PGSERVICEFILE', 'PSQLRC']);
    expect(w.controller.carriedValues()).toEqual({});
  });
});

describe('what carries and what does not', () => {
  it('an action that sets its own EXIT trap carries nothing, says so, and earlier values stay', async () => {
    const w = await walk(['export A=first', "trap 'echo own trap' EXIT; export NS=hidden A=changed", 'echo "a=$A"', 'echo "ns=$NS"']);
    expect(w.outputs[1]).toBe('own trap');
    expect(w.outputs[2]).toBe('a=first');
    expect(w.results[3]!.ran).toBe(false);
    expect(w.asked).toEqual(['NS']);
    expect(variablesEvents(w)[1]).toMatchObject({ action: 'go/2#1', set: [], reason: expect.stringMatching(/EXIT trap/) });
  });

  it('a failed action (exit 1) that exported before failing is recorded but carries nothing', async () => {
    const w = await walk(['export NS=half-done; false; exit 1', 'echo "ns=$NS"']);
    expect(w.results[0]!.ran && w.results[0]!.outcome.status).toBe('failed');
    expect(w.results[1]!.ran).toBe(false);
    expect(w.asked).toEqual(['NS']);
    expect(variablesEvents(w)[0]).toMatchObject({ set: [{ name: 'NS', value: 'half-done' }], reason: expect.stringMatching(/did not succeed \(exited with status 1\)/) });
  });

  it('exports in a subshell or a pipeline stage do not carry, as in a terminal', async () => {
    const w = await walk(['(export SUB=1); echo x | { export PIPE=1; cat; } >/dev/null; true', 'echo "sub=$SUB"']);
    expect(variablesEvents(w)).toEqual([]);
    expect(w.asked).toEqual(['SUB']);
  });

  it('an unset carried variable is asked for again; one never referenced still reaches a script through the environment', async () => {
    const w = await walk(['export NS=blue KEEP=kept', "bash -c 'echo \"keep=$KEEP\"'", 'unset NS', 'echo "ns=$NS"'], { answers: { NS: 'typed' } });
    expect(w.outputs[1]).toBe('keep=kept');
    expect(variablesEvents(w)[1]).toMatchObject({ action: 'go/3#1', set: [], unset: ['NS'] });
    expect(w.asked).toEqual(['NS']);
    expect(w.outputs[3]).toBe('ns=typed');
  });

  it('set -x, set -u, noclobber and a function named printf or read leave the output exactly the action\'s own', async () => {
    const w = await walk(['set -xu -o noclobber; printf() { :; }; export NS=blue; echo done', 'echo "ns=$NS"']);
    expect(w.outputs[0]).toBe('+ export NS=blue\n+ NS=blue\n+ echo done\ndone');
    // The action's function named printf replaced the builtin only for itself: `builtin printf` wrote the dump.
    expect(w.outputs[1]).toBe('ns=blue');
  });
});

describe('secrets exported by an action', () => {
  const TOKEN = 'ghp_Zx8Kq2Lm4Np6Rs8Tv0Wy2Ab4Cd6Ef8Gh0Ij2';
  const PASSWORD = 'correct-horse-battery-42';

  it('are recorded only as set, redacted from later output and evidence, and asked again after a resume with one sentence why', async () => {
    const w = await walk([
      `export DB_PASSWORD='${PASSWORD}' INNOCENT='${TOKEN}' URL='postgres://app:${PASSWORD}x@db/app' NS=blue`,
      'echo "pw=$DB_PASSWORD tok=$INNOCENT url=$URL ns=$NS"',
    ]);
    expect(w.asked).toEqual([]);
    expect(variablesEvents(w)[0]!.set).toEqual([
      { name: 'DB_PASSWORD', secret: true },
      { name: 'INNOCENT', secret: true },
      { name: 'NS', value: 'blue' },
      { name: 'URL', secret: true },
    ]);
    for (const text of [w.log, w.evidence, w.outputs[1]!]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(TOKEN);
    }
    expect(w.outputs[1]).toContain('ns=blue');

    // Resume: the non-secret value comes back from the log; each secret one is asked again, saying why.
    const dir = w.dir;
    w.controller.leave('test: the terminal went away');
    const asked: string[] = [];
    const resumed = SessionController.resume(dir, {
      cwd: join(dir, '..', '..', '..', 'project'),
      prompts: {
        purpose: async () => ({ kind: 'drill' }),
        value: async ({ name, why }) => {
          asked.push(`${name}: ${why ?? ''}`);
          return name === 'DB_PASSWORD' ? PASSWORD : undefined;
        },
        confirmEnvironment: async () => ({ given: true, via: 'typed' }),
        confirmWrite: async () => ({ given: false, asked: true }),
      },
      sessionRoot: join(dir, '..'),
    });
    expect(resumed.values().NS).toBe('blue');
    expect(resumed.carriedValues()).toEqual({ NS: 'blue' });
    const runbook = w.controller.loaded!.runbook;
    resumed.useRunbook(w.controller.loaded!);
    const section = runbook.sections[0]!;
    const step = section.steps[1]!;
    const again = await resumed.run({ section, step, action: step.actions[0]!, actionId: `${step.id}#1` });
    expect(again.ran).toBe(false);
    expect(asked).toEqual([
      'DB_PASSWORD: DB_PASSWORD was set by step 1, action 1 before this session was resumed; its value is secret, so the session log does not hold it: type it again.',
      'INNOCENT: INNOCENT was set by step 1, action 1 before this session was resumed; its value is secret, so the session log does not hold it: type it again.',
    ]);
    resumed.leave('test');
    expect(readFileSync(join(dir, 'session.jsonl'), 'utf8')).not.toContain(PASSWORD);
  });
});

describe('copying an action (TUI c)', () => {
  it('splices carried and typed values in, quoted so the pasted command prints them as they are; a secret one is never copied', async () => {
    const w = await walk(["export NS='blue team' API_TOKEN=tok-abcdef-123456", 'echo <NS> "<table>"'], { answers: { table: "it's $(touch DIR/MARK)" } });
    const section = w.controller.loaded!.runbook.sections[0]!;
    const copied = w.controller.codeToCopy(section.steps[1]!.actions[0]!);
    expect(copied.missing).toEqual([]);
    const { spawnSync } = await import('node:child_process');
    expect(spawnSync('bash', ['-c', copied.code], { encoding: 'utf8', cwd: w.case }).stdout).toBe("blue team it's $(touch DIR/MARK)\n");
    expect(existsSync(join(w.case, 'DIR'))).toBe(false);

    const secret = parseRunbook('# S\n## S\n1. `curl -H "X: <API_TOKEN>" https://example.com`\n').sections[0]!.steps[0]!.actions[0]!;
    expect(w.controller.codeToCopy(secret)).toEqual({ code: secret.code, missing: ['API_TOKEN'] });
  });
});

describe('a value that bash would read as a number', () => {
  // Output of an earlier step (here a file an attacker controls) carried into a later, read-only
  // looking step: bash evaluates `a[$(…)]` in the value wherever it does arithmetic.
  const numeric = [
    'if [[ $COUNT -gt 0 ]]; then echo some; fi',
    '(( COUNT > 0 )) && echo some',
    'echo $(( COUNT + 1 ))',
    'echo $[ COUNT + 1 ]',
    'let "n = COUNT + 1"; echo done',
    'declare -i n=$COUNT; echo done',
    'A=(x y); echo ${A[$COUNT]}',
    'A=(x y); echo ${A[COUNT]}',
  ];
  it.each(numeric)('%s: the value is refused, nothing in it runs', async (use) => {
    const { home } = freshProject();
    const payloadFile = join(home.root, 'payload');
    const mark = join(home.root, 'MARK');
    writeFileSync(payloadFile, `a[$(touch ${mark})]`);
    const w = await walk([`export COUNT="$(cat ${payloadFile})"`, use], { allow: [2] });
    expect(w.results[0]).toMatchObject({ ran: true });
    expect(existsSync(mark)).toBe(false);
    const refused = w.results[1]!;
    expect(refused.ran && refused.outcome.status).toBe('refused');
    expect(refused.ran && refused.outcome.message).toMatch(/value of COUNT holds a command inside \[ \]/);
  });

  it('a number or text with brackets but no command still runs; such a value is refused only where bash does arithmetic', async () => {
    const w = await walk(["export COUNT=3 LABEL='a[1] and b[2]' EVIL='a[$(true)]'", 'if [[ $COUNT -gt 2 ]]; then echo "big $LABEL"; fi', 'echo "[$EVIL]"', '(( COUNT > 2 )) && echo "$LABEL"']);
    expect(w.results.map((r) => r.ran && r.outcome.status)).toEqual(['ok', 'refused', 'ok', 'refused']);
    expect(w.outputs[2]).toBe('[a[$(true)]]');
  });

  it('a typed placeholder value in a numeric test is refused too', async () => {
    const { home } = freshProject();
    const mark = join(home.root, 'MARK');
    const w = await walk(['[[ <retries> -eq 3 ]] && echo three'], { answers: { retries: `a[$(touch ${mark})]` }, allow: [1] });
    expect(existsSync(mark)).toBe(false);
    expect(w.results[0]!.ran && w.results[0]!.outcome.status).toBe('refused');
  });
});

describe('command substitutions the guard must see', () => {
  it.each([
    'case $(rm -f DIR/victim) in *) echo x;; esac',
    'case x in $(rm -f DIR/victim)) echo x;; esac',
  ])('%s is a write, refused without permission', async (code) => {
    const w = await walk([code], { files: { victim: 'precious\n' } });
    expect(w.results[0]).toMatchObject({ ran: false });
    expect(existsSync(join(w.case, 'victim'))).toBe(true);
  });
});

describe('names that hand a read program its options or code', () => {
  it('CURL_HOME is not carried: a planted .curlrc cannot make a later read-only curl write a file', async () => {
    const w = await walk(['printf "x\\n" > DIR/page', 'export CURL_HOME=DIR', 'curl -s file://DIR/page'], {
      allow: [1, 2],
      files: { '.curlrc': 'output = "DIR/MARK"\n' },
    });
    expect(w.results.map((r) => r.ran && r.outcome.status)).toEqual(['ok', 'ok', 'ok']);
    expect(existsSync(join(w.case, 'MARK'))).toBe(false);
    expect(w.outputs[2]).toBe('x');
    expect(JSON.stringify(variablesEvents(w))).toMatch(/CURL_HOME.*changes how later commands are run/);
  });
});

describe('a carried value that opens an interactive session', () => {
  it('`$DEBUG` set to `sudo -i` by step 1 makes step 2 typed inside it: refused even with permission, nothing after it runs here', async () => {
    const w = await walk(['export DEBUG="sudo -i" SHELLCMD="bash"', '$DEBUG\ntouch DIR/MARK', '${SHELLCMD}\ntouch DIR/MARK2'], { allow: [2, 3] });
    expect(w.results.slice(1).map((r) => r.ran && r.outcome.status)).toEqual(['refused', 'refused']);
    expect(w.results[1]!.ran && w.results[1]!.outcome.message).toMatch(/typed inside `\$DEBUG`, an interactive session/);
    expect(existsSync(join(w.case, 'MARK'))).toBe(false);
    expect(existsSync(join(w.case, 'MARK2'))).toBe(false);
  });
});

describe('secret values under names the first rule missed', () => {
  it.each(['DB_CREDS', 'CREDS', 'PASS', 'PW', 'OTP'])('%s=hunter2-x9 is carried as secret: never in the log or later output', async (name) => {
    const w = await walk([`export ${name}="$(cat DIR/vault)"`, `echo "value: $${name}"`], { files: { vault: 'hunter2-x9' } });
    expect(w.results.map((r) => r.ran && r.outcome.status)).toEqual(['ok', 'ok']);
    expect(w.log).not.toContain('hunter2-x9');
    expect(w.evidence).not.toContain('hunter2-x9');
    expect(variablesEvents(w)[0]!.set).toEqual([{ name, secret: true }]);
  });
});
