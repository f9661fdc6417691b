// Acceptance of issue 2 on the user's own runbook.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions, allSections } from '../../src/runbook/walk.js';
import { SEED } from '../helpers/cli.js';

const runbook = parseRunbook(readFileSync(SEED, 'utf8'), { fileName: 'supabase-operations.md' });
const sections = allSections(runbook);
const byTitle = (title: string) => sections.find((s) => s.title === title)!;

describe('the bundled Supabase runbook', () => {
  it('takes its title from the H1, which is not a section', () => {
    expect(runbook.title).toBe('Supabase Operations Runbook');
  });

  it('has the sections in order, sub-headings nested', () => {
    expect(runbook.sections.map((s) => s.title)).toEqual([
      'Purpose', 'Scope', 'Preconditions', 'Tooling & References', 'Operational Checklist',
      'Migration Deployment Procedure', 'Backup & Restore', 'Incident Response',
      'Compliance & Access Control', 'Escalation Matrix', 'Maintenance', 'Changelog',
    ]);
    expect(byTitle('Operational Checklist').sections.map((s) => s.title)).toEqual(['Daily', 'Weekly', 'Quarterly']);
    expect(byTitle('Incident Response').sections.map((s) => s.title)).toEqual([
      'Availability / Latency Degradation', 'RLS Misconfiguration', 'Storage Incident',
    ]);
  });

  it('counts the top-level steps of every section', () => {
    expect(sections.map((s) => s.steps.length)).toEqual([2, 3, 4, 5, 0, 4, 3, 2, 4, 3, 0, 3, 2, 2, 3, 4, 2, 1]);
  });

  it('nests sub-steps', () => {
    expect(byTitle('Quarterly').steps[0]!.steps).toHaveLength(4);
    expect(byTitle('RLS Misconfiguration').steps[1]!.steps).toHaveLength(4);
    expect(byTitle('Quarterly').steps[0]!.steps[0]!.text).toBe('Spin up temporary Supabase project (`clarivum-restore-test`).');
  });

  it('finds exactly the eight actions, in their sections, with their lines and placeholders', () => {
    const found = allActions(runbook).map(({ section, action }) => [section.title, action.kind, action.code, action.line, action.placeholders]);
    expect(found).toEqual([
      ['Tooling & References', 'url', 'https://app.supabase.com', 21, []],
      ['Tooling & References', 'shell', 'npm run db:migrate', 23, []],
      ['Weekly', 'shell', 'npm run db:migration:status', 35, []],
      ['Migration Deployment Procedure', 'shell', 'npm run db:migrate -- --env dev', 51, []],
      ['Migration Deployment Procedure', 'shell', 'npm run db:migrate -- --env prod', 57, []],
      ['Backup & Restore', 'shell', 'supabase db dump --project-ref <ref>', 65, ['ref']],
      ['RLS Misconfiguration', 'sql', "select * from pg_policies where tablename = '...'", 84, ['tablename']],
      ['RLS Misconfiguration', 'supabase', 'rls matrix --user email=<customer email> --user email=<other customer email>', 86, ['customer_email', 'other_customer_email']],
    ]);
  });

  it('gives sections and steps stable, readable ids and true line numbers', () => {
    const rls = byTitle('RLS Misconfiguration');
    expect(rls).toMatchObject({ id: 'rls-misconfiguration', level: 3, line: 81 });
    expect(rls.steps[1]!.steps[0]).toMatchObject({ id: 'rls-misconfiguration/2.1', line: 84 });
    expect(byTitle('Tooling & References').id).toBe('tooling--references');
  });
});

describe('the model cache', () => {
  it('parses a runbook once, then reads the same model back; a changed byte or parser misses', async () => {
    const { mkdtempSync, writeFileSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { cachedModel } = await import('../../src/runbook/cache.js');
    const dir = mkdtempSync(join(tmpdir(), 'runbook-cache-'));
    const env = { XDG_CACHE_HOME: dir };
    const bytes = Buffer.from(`# Big\n## S\n${'- `kubectl get pods`\n'.repeat(100)}`);
    let parses = 0;
    const parse = (b: Buffer) => () => (parses++, parseRunbook(b.toString(), { fileName: 'big.md' }));
    const first = await cachedModel(bytes, 'big.md', parse(bytes), env, 'parser-1');
    const second = await cachedModel(bytes, 'big.md', parse(bytes), env, 'parser-1');
    expect(parses).toBe(1);
    expect(second).toEqual(first);
    expect(readdirSync(join(dir, 'runbook', 'models'))).toHaveLength(1);
    const changed = Buffer.from(bytes);
    changed[changed.length - 2] = 0x78;
    await cachedModel(changed, 'big.md', parse(changed), env, 'parser-1');
    expect(parses).toBe(2);
    await cachedModel(bytes, 'big.md', parse(bytes), env, 'parser-2');
    expect(parses).toBe(3);
    await cachedModel(bytes, 'big.md', parse(bytes), env, undefined);
    expect(parses).toBe(4);
    expect(readdirSync(join(dir, 'runbook', 'models'))).toHaveLength(3);
  });
});
