// Escalation and severity changes in the record: events, the view's status, and the report's timeline.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { buildReport, renderMarkdown } from '../../src/report/index.js';
import { escalationLevels, findEscalationSection } from '../../src/runbook/escalation.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { SessionController } from '../../src/session/controller.js';
import { verifySession } from '../../src/session/verify.js';
import { SEED } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

function setup(config: object = { environments: { dev: { databaseUrl: 'postgres://ops:dev-pw-51a3@db.invalid/app' } } }) {
  const home = freshHome();
  const dir = join(home.root, 'project');
  mkdirSync(dir);
  writeFileSync(join(dir, 'runbook.config.json'), JSON.stringify(config));
  const bytes = readFileSync(SEED);
  const runbook = parseRunbook(bytes.toString('utf8'), { fileName: 'supabase-operations.md' });
  const env = resolveEnvironment({ cwd: dir });
  const sessionRoot = join(home.state, 'runbook', 'sessions');
  const controller = new SessionController({ env, cwd: dir, purpose: { kind: 'incident', id: 'INC-9', severity: '2' }, signer: { env: home.env }, sessionRoot });
  controller.useRunbook({ file: SEED, runbook, bytes });
  return { home, controller, runbook };
}

describe('escalation', () => {
  it('finds the escalation matrix by its title, or by the name the config gives', () => {
    const { runbook } = setup();
    const section = findEscalationSection(runbook)!;
    expect(section.title).toBe('Escalation Matrix');
    expect(escalationLevels(section).slice(0, 3)).toEqual([
      'Level 1: Database steward on rotation.', 'Level 2: Platform lead (schema/infra decisions).', 'Level 3: CTO + Supabase support escalation (critical outages).',
    ]);
    expect(findEscalationSection(runbook, 'maintenance')!.title).toBe('Maintenance');
    // A name the runbook does not have falls back to the title search, never to nothing.
    expect(findEscalationSection(runbook, 'Who to call')!.title).toBe('Escalation Matrix');
    expect(findEscalationSection(parseRunbook('# R\n## Steps\n1. x\n'))).toBeUndefined();
  });

  it('records escalations and severity changes, shows the latest in the view, and lists them in the report timeline', async () => {
    const { controller, home, runbook } = setup();
    await controller.ensureSession();
    const section = runbook.sections.flatMap((s) => [s, ...s.sections]).find((s) => s.title === 'RLS Misconfiguration')!;
    controller.escalate('Level 2: Platform lead (schema/infra decisions).', 'paging Mei; password dev-pw-51a3 rotated', section);
    expect(controller.view.escalation).toMatchObject({ level: 'Level 2: Platform lead (schema/infra decisions).' });
    expect(controller.severity()).toBe('2');
    controller.setSeverity('1');
    controller.setSeverity('1'); // the same severity again is not a change
    expect(controller.view.severity).toBe('1');
    controller.update('Customers see 500s; rolling back');
    const summary = await controller.seal();
    const log = readFileSync(join(summary.dir, 'session.jsonl'), 'utf8');
    expect(log).not.toContain('dev-pw-51a3');
    const types = log.trim().split('\n').map((l) => JSON.parse(l).type);
    expect(types.filter((t) => t === 'severity')).toHaveLength(1);
    expect(types).not.toContain('update.failed');

    const verification = await verifySession(summary.dir, { allowedSigners: join(home.config, 'runbook', 'allowed_signers') });
    const data = buildReport(summary.dir, verification, {});
    const rows = data.timeline.map((r) => r.what);
    expect(rows).toContainEqual(expect.stringMatching(/^\*\*Escalated\*\* to Level 2: Platform lead \(schema\/infra decisions\)\.: paging Mei; password \S+ rotated$/));
    expect(rows).toContainEqual('**Severity** changed from 2 to 1');
    expect(rows).toContainEqual(expect.stringMatching(/^Status update: Customers see 500s; rolling back$/));
    const markdown = renderMarkdown(data);
    expect(markdown).toContain('**Severity** changed from 2 to 1');
    expect(markdown).not.toContain('dev-pw-51a3');
  });

  it('refuses to escalate without an open session', () => {
    const { controller } = setup();
    expect(() => controller.escalate('Level 1')).toThrow();
  });
});

describe('the runbook changed since the last session, through the controller', () => {
  it('keeps a copy at start and summarises added, removed and edited steps for the next session', async () => {
    const v1 = '# Ops\n## Check\n1. Look\n   `echo a`\n2. Gone soon\n   `echo b`\n3. Count\n   `echo c`\n## Old section\n1. Legacy\n';
    const v2 = '# Ops\n## Check\n1. Look\n   `echo a`\n2. Count\n   `echo c --all`\n3. Brand new\n   `echo d`\n## New section\n1. Fresh\n';
    const { controller, home } = setup();
    const file = join(home.root, 'project', 'ops.md');
    writeFileSync(file, v1);
    controller.useRunbook({ file, runbook: parseRunbook(v1), bytes: Buffer.from(v1) });
    expect(controller.runbookChanges()).toBeUndefined();
    await controller.ensureSession();
    const first = await controller.seal();

    controller.useRunbook({ file, runbook: parseRunbook(v2), bytes: Buffer.from(v2) });
    const changes = controller.runbookChanges()!;
    expect(changes.lines.slice(1).map((l) => l.trim())).toEqual([
      '~ Check',
      '- 2. Gone soon',
      '~ 2. Count  (command changed; was: Count)',
      '+ 3. Brand new',
      '+ New section (section added)',
      '- Old section (section removed)',
    ].map((l) => expect.stringContaining(l.split('  (command')[0]!)));
    await controller.ensureSession();
    const started = JSON.parse(readFileSync(join(controller.session!.dir, 'session.jsonl'), 'utf8').split('\n')[0]!);
    const firstSha = JSON.parse(readFileSync(join(first.dir, 'session.jsonl'), 'utf8').split('\n')[0]!).runbook.sha256;
    expect(started.previousSha256).toBe(firstSha);
    await controller.seal();
  });
});
