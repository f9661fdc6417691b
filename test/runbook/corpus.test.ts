// Tricky Markdown a runbook collection written by many people over years will contain.
import { describe, expect, it } from 'vitest';
import type { Runbook, Step } from '../../src/runbook/model.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { allActions, allSections, flattenSteps } from '../../src/runbook/walk.js';

const md = (lines: string[]) => lines.join('\n') + '\n';
const actionsOf = (rb: Runbook) => allActions(rb).map(({ action }) => ({ kind: action.kind, code: action.code, line: action.line }));
const stepsOf = (rb: Runbook): Step[] => allSections(rb).flatMap((s) => flattenSteps(s.steps));

describe('headings', () => {
  it('reads ATX and setext headings, the first H1 being the title', () => {
    const rb = parseRunbook(md(['Disk full', '=========', '', 'Check', '-----', '- a', '', '### Deeper ###', '- b', '', '# Another top', '## Child']));
    expect(rb.title).toBe('Disk full');
    expect(rb.sections.map((s) => [s.title, s.level, s.line])).toEqual([['Check', 2, 4], ['Another top', 1, 11]]);
    expect(rb.sections[0]!.sections.map((s) => s.title)).toEqual(['Deeper']);
    expect(rb.sections[1]!.sections.map((s) => s.title)).toEqual(['Child']);
  });

  it('gives duplicate headings unique GitHub-style ids', () => {
    const rb = parseRunbook(md(['## Steps', '## Steps', '## Tooling & References', '## Ünïcode 日本']));
    expect(rb.sections.map((s) => s.id)).toEqual(['steps', 'steps-1', 'tooling--references', 'ünïcode-日本']);
  });

  it('uses the file name as title when there is no H1 and no front matter', () => {
    expect(parseRunbook('## A\n- x\n', { fileName: 'disk-full.md' }).title).toBe('disk-full');
  });
});

describe('front matter', () => {
  const text = md(['---', 'title: Postgres failover', 'owner: data-team', 'tags: [db, sev1]', '---', '', '## Fail over', '- Run `kubectl get pods -n db`']);

  it('is metadata and a title fallback, never a section, and keeps line numbers true', () => {
    const rb = parseRunbook(text);
    expect(rb.title).toBe('Postgres failover');
    expect(rb.meta).toEqual({ title: 'Postgres failover', owner: 'data-team', tags: ['db', 'sev1'] });
    expect(rb.sections.map((s) => [s.title, s.line])).toEqual([['Fail over', 7]]);
    expect(actionsOf(rb)).toEqual([{ kind: 'shell', code: 'kubectl get pods -n db', line: 8 }]);
  });

  it('leaves a leading thematic break that is not YAML alone', () => {
    const rb = parseRunbook(md(['---', '', '## Heading: with [unclosed', '', '- step', '---']));
    expect(rb.sections.map((s) => s.title)).toEqual(['Heading: with [unclosed']);
  });
});

describe('lists', () => {
  it('nests ordered, bulleted and task lists to any depth', () => {
    const rb = parseRunbook(md([
      '## Proc',
      '1. First',
      '   - [x] done sub',
      '   - [ ] open sub',
      '     1. deeper',
      '        * deepest `kubectl get nodes`',
      '2. Second',
      '- [X] separate list, checked',
    ]));
    const [first, second, third] = rb.sections[0]!.steps;
    expect(rb.sections[0]!.steps).toHaveLength(3);
    expect(first!.text).toBe('First');
    expect(first!.checked).toBeUndefined();
    expect(first!.steps.map((s) => [s.id, s.text, s.checked])).toEqual([['proc/1.1', 'done sub', true], ['proc/1.2', 'open sub', false]]);
    const deepest = first!.steps[1]!.steps[0]!.steps[0]!;
    expect(deepest).toMatchObject({ id: 'proc/1.2.1.1', line: 6, text: 'deepest `kubectl get nodes`' });
    expect(deepest.actions).toEqual([{ kind: 'shell', code: 'kubectl get nodes', line: 6, placeholders: [] }]);
    expect(second!.text).toBe('Second');
    expect(third).toMatchObject({ text: 'separate list, checked', checked: true });
  });

  it('keeps fenced blocks inside list items, indented, with tildes or long backtick fences', () => {
    const rb = parseRunbook(md([
      '## Restore',
      '1. Stop writes:',
      '',
      '   ```bash',
      '   kubectl scale deploy/api --replicas=0',
      '   ```',
      '2. Check replication:',
      '',
      '   ~~~sql',
      '   select * from pg_stat_replication;',
      '   ~~~',
      '   - sub-step with a four-backtick fence',
      '',
      '     ````sh',
      '     echo "```"',
      '     ````',
    ]));
    const steps = rb.sections[0]!.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]!.actions).toEqual([{ kind: 'shell', code: 'kubectl scale deploy/api --replicas=0', line: 4, placeholders: [] }]);
    expect(steps[1]!.actions).toEqual([{ kind: 'sql', code: 'select * from pg_stat_replication;', line: 9, placeholders: [] }]);
    expect(steps[1]!.steps[0]!.actions[0]).toMatchObject({ kind: 'shell', code: 'echo "```"', line: 14 });
  });

  it('counts inline code lines inside a multi-line list item', () => {
    const rb = parseRunbook(md(['## S', '- line one', '  line two `psql -c "select 1"`', '  line three `curl -sf https://x.example/health`']));
    expect(actionsOf(rb)).toEqual([
      { kind: 'shell', code: 'psql -c "select 1"', line: 3 },
      { kind: 'shell', code: 'curl -sf https://x.example/health', line: 4 },
    ]);
  });
});

describe('standalone blocks', () => {
  it('makes a fenced block outside a list a step of its own, introduced by the paragraph before it', () => {
    const rb = parseRunbook(md(['## Check', '', 'See what is running:', '', '```sh', 'ps aux | grep postgres', '```', '', '```sql', 'select 1;', '```']));
    const steps = rb.sections[0]!.steps;
    expect(steps.map((s) => [s.text, s.line, s.actions.map((a) => a.kind)])).toEqual([
      ['See what is running:', 5, ['shell']],
      ['select 1;', 9, ['sql']],
    ]);
  });

  it('makes a paragraph with a command a step, so no command is lost', () => {
    const rb = parseRunbook(md(['## Notes', '', 'Plain prose is not a step.', '', 'Then run `npm run db:migrate` to apply.']));
    expect(rb.sections[0]!.steps.map((s) => [s.text, s.line])).toEqual([['Then run `npm run db:migrate` to apply.', 5]]);
  });

  it('treats actions in table cells as actions of the section', () => {
    const rb = parseRunbook(md(['## Quick checks', '', '| what | how |', '|------|-----|', '| disk | `df -h /var/lib/postgresql` |', '| name | `clarivum-prod` |', '| pods | `kubectl get pods -A` |']));
    const steps = rb.sections[0]!.steps;
    expect(steps.map((s) => s.text)).toEqual(['disk | `df -h /var/lib/postgresql`', 'pods | `kubectl get pods -A`']);
    expect(actionsOf(rb)).toEqual([
      { kind: 'shell', code: 'df -h /var/lib/postgresql', line: 5 },
      { kind: 'shell', code: 'kubectl get pods -A', line: 7 },
    ]);
  });

  it('attaches table actions inside a list item to that step', () => {
    const rb = parseRunbook(md(['## S', '- step', '', '  | a | b |', '  |---|---|', '  | `kubectl get ns` | x |']));
    expect(rb.sections[0]!.steps).toHaveLength(1);
    expect(rb.sections[0]!.steps[0]!.actions.map((a) => a.code)).toEqual(['kubectl get ns']);
  });
});

describe('html comments', () => {
  it('never yields actions, block or inline, even around lists and fences', () => {
    const rb = parseRunbook(md([
      '## S',
      '<!--',
      '- `rm -rf /var/lib/postgresql`',
      '```sh',
      'dropdb production',
      '```',
      '-->',
      '- keep <!-- `kubectl delete ns prod` --> this',
      '<!-- `curl https://example.com` -->',
    ]));
    expect(actionsOf(rb)).toEqual([]);
    expect(stepsOf(rb).map((s) => s.text)).toEqual(['keep <!-- `kubectl delete ns prod` --> this']);
  });
});

describe('text encodings and line endings', () => {
  it('reads CRLF input with no \\r anywhere in the model and true lines', () => {
    const rb = parseRunbook(['# T', '## S', '- a `kubectl get pods`', '  more', '```sql', 'select 1', '```', ''].join('\r\n'));
    expect(JSON.stringify(rb)).not.toContain('\\r');
    expect(parseRunbook('# a \\r literal\r\n').title).toBe('a \\r literal');
    expect(actionsOf(rb)).toEqual([{ kind: 'shell', code: 'kubectl get pods', line: 3 }, { kind: 'sql', code: 'select 1', line: 5 }]);
    expect(rb.sections[0]!.steps[0]!.text).toBe('a `kubectl get pods`\nmore');
  });

  it('keeps non-ASCII text intact', () => {
    const rb = parseRunbook(md(['# Процедура 🚑', '## 復旧手順', '- Überprüfe `kubectl logs deploy/api -n prod`', '- Clarivum’s “quotes”']));
    expect(rb.title).toBe('Процедура 🚑');
    expect(rb.sections[0]!.title).toBe('復旧手順');
    expect(stepsOf(rb).map((s) => s.text)).toEqual(['Überprüfe `kubectl logs deploy/api -n prod`', 'Clarivum’s “quotes”']);
  });
});

describe('fenced blocks by info string', () => {
  it('takes only $-prompted lines of a console transcript as the command', () => {
    const rb = parseRunbook(md(['## S', '```console', '$ kubectl get pods \\', '    -n prod', 'NAME    READY   STATUS', 'api-1   1/1     Running', '$ kubectl top pods', 'api-1   5m   100Mi', '```']));
    expect(actionsOf(rb)).toEqual([{ kind: 'shell', code: 'kubectl get pods \\\n    -n prod\nkubectl top pods', line: 2 }]);
  });

  it('treats every sh, bash, shell and sql fence as an action, and a console fence with no prompt as output', () => {
    const kinds = ['sh', 'bash', 'shell', 'console', 'sql', 'psql', 'postgres', 'SQL', 'Bash'].map((info) => {
      const rb = parseRunbook(md(['## S', '```' + info, 'whatever is inside', '```']));
      return allActions(rb).map((a) => a.action.kind);
    });
    expect(kinds).toEqual([['shell'], ['shell'], ['shell'], [], ['sql'], ['sql'], ['sql'], ['sql'], ['shell']]);
  });

  it('reads fence attributes', () => {
    const rb = parseRunbook(md(['## S', '```sh {timeout=600 name="vacuum"}', 'vacuumdb --all', '```']));
    expect(allActions(rb)[0]!.action.attrs).toEqual({ timeout: '600', name: 'vacuum' });
  });

  it('never takes yaml, json, text or log fences, nor an untyped log excerpt or YAML snippet', () => {
    const rb = parseRunbook(md([
      '## S',
      '```yaml', 'command: kubectl get pods', '```',
      '```json', '{"query": "select 1"}', '```',
      '```text', 'kubectl get pods', '```',
      '```log', 'ERROR select failed', '```',
      '```', '2024-05-01T03:10:00Z ERROR connection refused', 'retrying in 5s', '```',
      '```', 'apiVersion: v1', 'kind: Pod', '```',
    ]));
    expect(actionsOf(rb)).toEqual([]);
  });

  it('takes an untyped fence when its content is a command or SQL', () => {
    const rb = parseRunbook(md(['## S', '```', '# restart the worker', 'systemctl restart worker', '```', '```', 'SELECT count(*) FROM auth.users;', '```', '```', '$ redis-cli -h cache info memory', 'used_memory:1000', '```']));
    expect(actionsOf(rb)).toEqual([
      { kind: 'shell', code: '# restart the worker\nsystemctl restart worker', line: 2 },
      { kind: 'sql', code: 'SELECT count(*) FROM auth.users;', line: 6 },
      { kind: 'shell', code: 'redis-cli -h cache info memory', line: 9 },
    ]);
  });

  it('skips empty fences', () => {
    expect(actionsOf(parseRunbook(md(['## S', '```sh', '', '```'])))).toEqual([]);
  });

  it('keeps an indented code block outside a list only when it is a command', () => {
    const rb = parseRunbook(md(['## S', '', '    kubectl rollout restart deploy/api', '', 'text', '', '    some example output']));
    expect(actionsOf(rb)).toEqual([{ kind: 'shell', code: 'kubectl rollout restart deploy/api', line: 3 }]);
  });
});

describe('inline code', () => {
  it('keeps a URL inside a command part of that command', () => {
    const rb = parseRunbook(md(['## S', '- `curl -fsS https://status.example.com/api/v2/status.json`']));
    expect(actionsOf(rb)).toEqual([{ kind: 'shell', code: 'curl -fsS https://status.example.com/api/v2/status.json', line: 2 }]);
  });

  it('names placeholders from angle brackets and quoted ellipses', () => {
    const rb = parseRunbook(md(['## S', '- `kubectl logs <pod name> -n <namespace>`', "- `delete from jobs where status = '...' and queue = '...'`", '- `echo $HOME ${DATABASE_URL}`']));
    expect(allActions(rb).map(({ action }) => [action.placeholders, action.env])).toEqual([
      [['pod_name', 'namespace'], undefined],
      [['status', 'queue'], undefined],
      [[], ['HOME', 'DATABASE_URL']],
    ]);
  });
});

describe('shapes seen in public runbook collections', () => {
  it('takes an untyped $-transcript whatever its program, and leaves log excerpts alone', () => {
    const rb = parseRunbook(md([
      '## Disk',
      '```',
      '$ /opt/db/embedded/bin/pg_controldata /var/opt/db/data',
      '',
      'Latest checkpoint location:           2B78/E30A3218',
      '```',
      '```',
      '2018-01-29_10:13:01.21015 db02 postgresql: [1-1] LOG:  started streaming WAL',
      '```',
      '- `watch du -sh /var/opt/db/data`',
      "- then run `select pg_drop_replication_slot('slot_name');`",
      '- `/opt/db/bin/db-ctl restart`',
      '- On our servers there is a file `DO_NOT_MOVE_THIS_FILE`, and `pg_drop_replication_slot` is the function.',
    ]));
    expect(actionsOf(rb).map((a) => [a.kind, a.code])).toEqual([
      ['shell', '/opt/db/embedded/bin/pg_controldata /var/opt/db/data'],
      ['shell', 'watch du -sh /var/opt/db/data'],
      ['sql', "select pg_drop_replication_slot('slot_name');"],
      ['shell', '/opt/db/bin/db-ctl restart'],
    ]);
  });

  it('reads placeholders with spaces and quotes, and no variables inside single quotes', () => {
    const rb = parseRunbook(md([
      '## Volume',
      '```console',
      "$ PVC_NAME='<persistentvolumeclaim label from alert>'",
      "$ POD_NAME='<\"Used By:\" field from the above output>'",
      '$ oc -n $NAMESPACE rsh $POD_NAME',
      "$ oc get nodes -o template --template='{{range $k, $v := .metadata.annotations}}{{$k}}{{end}}'",
      '```',
    ]));
    const [action] = allActions(rb).map((a) => a.action);
    expect(action!.placeholders).toEqual(['persistentvolumeclaim_label_from_alert', 'Used_By_field_from_the_above_output']);
    expect(action!.env).toEqual(['NAMESPACE']);
  });
});
