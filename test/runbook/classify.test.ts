import { describe, expect, it } from 'vitest';
import { classifyFence, classifyInline, parseFenceInfo, promptedCommands } from '../../src/runbook/classify.js';

describe('inline code classification', () => {
  const cases: Array<[string, string | null]> = [
    // commands
    ['npm run db:migrate', 'shell'],
    ['npm run db:migrate -- --env prod', 'shell'],
    ['supabase db dump --project-ref <ref>', 'shell'],
    ['kubectl get pods -n prod', 'shell'],
    ['psql "$DATABASE_URL" -c "select 1"', 'shell'],
    ['redis-cli -h cache info', 'shell'],
    ['curl -s https://api.example.com/health', 'shell'],
    ['./script.sh', 'shell'],
    ['./scripts/failover.sh --dry-run', 'shell'],
    ['PGPASSWORD=x psql -h db -U admin', 'shell'],
    ['sudo systemctl restart nginx', 'shell'],
    ['$ kubectl top nodes', 'shell'],
    ['ps aux', 'shell'],
    ['free -h', 'shell'],
    ['terraform plan -out plan.tfplan', 'shell'],
    // SQL, any case
    ["select * from pg_policies where tablename = '...'", 'sql'],
    ['SELECT 1', 'sql'],
    ['with recent as (select * from jobs) select count(*) from recent', 'sql'],
    ["update users set role = 'admin' where id = 1", 'sql'],
    ['DELETE FROM sessions WHERE expires_at < now()', 'sql'],
    ["insert into audit(note) values ('x')", 'sql'],
    ['alter table ebooks enable row level security', 'sql'],
    ['create index concurrently on t(x)', 'sql'],
    ['drop policy "x" on ebooks', 'sql'],
    ['truncate table staging_events', 'sql'],
    ['grant select on ebooks to anon', 'sql'],
    ['explain analyze select * from t', 'sql'],
    ['vacuum analyze ebooks', 'sql'],
    ['show statement_timeout', 'sql'],
    ['set statement_timeout = 0', 'sql'],
    // URLs
    ['https://app.supabase.com', 'url'],
    ['http://localhost:3000/health', 'url'],
    // names, paths, identifiers, single words: text
    ['db/migrations', null],
    ['clarivum-prod', null],
    ['pg_stat_statements', null],
    ['#clarivum-data', null],
    ['service_role', null],
    ['infra/supabase', null],
    ['docs/adr/ADR-001-primary-cloud-and-database.md', null],
    ['timestamp', null],
    ['kubectl', null],
    ['psql', null],
    ['select', null],
    ['update', null],
    ['update the docs', null],
    ['delete', null],
    ['with care', null],
    ['free tier', null],
    ['sort order', null],
    ['make sure', null],
    ['Postgres Health', null],
    ['ftp://old.example.com', null],
    ['', null],
  ];
  it.each(cases)('%s → %s', (code, kind) => {
    expect(classifyInline(code)).toBe(kind);
  });
});

describe('fenced block classification', () => {
  it('reads the language and attributes of an info string', () => {
    expect(parseFenceInfo('sh {timeout=30, title="Restart"}')).toEqual({ language: 'sh', attrs: { timeout: '30', title: 'Restart' } });
    expect(parseFenceInfo('  SQL  ')).toEqual({ language: 'sql', attrs: {} });
    expect(parseFenceInfo('')).toEqual({ language: '', attrs: {} });
  });

  it('keeps the prompted lines of a transcript, continuations included', () => {
    expect(promptedCommands('$ a \\\n  b\noutput\n$ c\n')).toBe('a \\\n  b\nc');
    expect(promptedCommands('no prompt here')).toBeNull();
  });

  it('classifies fences by info string first, content only when untyped', () => {
    expect(classifyFence('bash', 'echo hi\n')).toEqual({ kind: 'shell', code: 'echo hi' });
    expect(classifyFence('bash', '$ echo hi\nhi\n')).toEqual({ kind: 'shell', code: 'echo hi' });
    expect(classifyFence('supabase', 'storage buckets\n')).toEqual({ kind: 'supabase', code: 'storage buckets' });
    expect(classifyFence('python', 'import os\n')).toBeNull();
    expect(classifyFence('', 'Error: connection refused\n')).toBeNull();
    expect(classifyFence('', 'kubectl get pods\n')).toEqual({ kind: 'shell', code: 'kubectl get pods' });
  });
});
