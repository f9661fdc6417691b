// PromQL, LogQL, KQL and redis-cli code is shown and copied, never run through bash.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freshHome } from '../helpers/session.js';

describe('query kinds through runbook exec', () => {
  it.each(['promql', 'logql', 'kql', 'redis'])('refuses a %s fence whose text would run as shell, in one sentence, and records the refusal', (language) => {
    const home = freshHome();
    const project = join(home.root, 'project');
    mkdirSync(project);
    const marker = join(home.root, 'ran-as-shell');
    // Valid shell on purpose: if anything handed this to bash, the marker file would appear.
    writeFileSync(join(project, 'q.md'), `# Q\n\n## Check\n\n\`\`\`${language}\ntouch ${marker}; echo up\n\`\`\`\n`);
    const out = runCli(['exec', 'q.md', '--section', 'check'], { cwd: project, env: home.env });
    expect(existsSync(marker)).toBe(false);
    expect(out.stdout).toContain(`refused: no runner for ${language}: copy it and run it in its own tool`);
    expect(out.code).toBe(1);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    const dir = /Sealed session: (\S+)/.exec(out.stdout)![1]!;
    const events = readFileSync(join(dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e.type === 'action.refused')).toMatchObject({ kind: language, reason: `no runner for ${language}: copy it and run it in its own tool` });
    expect(events.some((e) => e.type === 'action.started')).toBe(false);
  });

  it('lists a query with its kind', () => {
    const home = freshHome();
    const file = join(home.root, 'q.md');
    writeFileSync(file, '# Q\n## Check\n```promql\nsum(up{job="api"})\n```\n');
    const out = runCli(['list', file, '--json'], { env: home.env });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).sections[0].steps[0].actions).toEqual([{ kind: 'promql', code: 'sum(up{job="api"})', line: 3, placeholders: [] }]);
  });
});
