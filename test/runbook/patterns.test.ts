// Runbooks as people really write them: one fixture per pattern (test/fixtures/patterns), with the
// exact actions a person would run from each.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyInline, fenceActions } from '../../src/runbook/classify.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { transcriptCommands } from '../../src/runbook/transcript.js';
import { allActions, allSections } from '../../src/runbook/walk.js';
import type { Runbook } from '../../src/runbook/model.js';

const fixture = (name: string) => parseRunbook(readFileSync(new URL(`../fixtures/patterns/${name}`, import.meta.url), 'utf8'), { fileName: name });
const actionsBySection = (rb: Runbook) => {
  const out: Record<string, Array<[string, string, number]>> = {};
  for (const { section, action } of allActions(rb)) (out[section.id] ??= []).push([action.kind, action.code, action.line]);
  return out;
};

describe('transcripts', () => {
  const rb = fixture('transcripts.md');

  it('takes nothing from a console or shell-session fence with no prompt', () => {
    expect(actionsBySection(rb)['output-only']).toBeUndefined();
  });

  it('reads every prompt people paste and drops what came back', () => {
    expect(actionsBySection(rb)['prompts-of-every-shape']).toEqual([[
      'shell',
      ['sudo crictl ps --name etcd', 'systemctl status kubelet --no-pager', 'journalctl -u crio --since "10 min ago"', 'chroot /host', 'kubectl get nodes -o wide', 'kubectl cluster-info'].join('\n'),
      15,
    ]]);
  });

  it('makes a psql session a SQL action with its continuation lines, without the result table or display switches', () => {
    expect(actionsBySection(rb)['psql-session']).toEqual([['sql', "SELECT pid, state\n  FROM pg_stat_activity\n WHERE state <> 'idle';", 29]]);
  });

  it('drops the output after a command in an untyped fence and in a prompted typed fence', () => {
    expect(actionsBySection(rb)['command-then-its-output-untyped']).toEqual([['shell', 'kubectl get hpa -n checkout', 43]]);
    expect(actionsBySection(rb)['typed-fence-with-a-prompt-and-output']).toEqual([['shell', 'kubectl top pods -n checkout\nkubectl describe hpa checkout -n checkout | grep -i events', 50]]);
  });

  it('splits a transcript that changes language into one action per language, in order', () => {
    expect(fenceActions('', '$ psql -h db.internal orders\norders=# select 1;\n ?column?\n----------\n        1\norders=# \\q\n$ echo done\n')).toEqual([
      { kind: 'shell', code: 'psql -h db.internal orders' },
      { kind: 'sql', code: 'select 1;\n\\q' },
      { kind: 'shell', code: 'echo done' },
    ]);
  });

  it("keeps psql's -> continuation lines of a => prompt, and the shell command that opened psql", () => {
    expect(fenceActions('', "app=> select id,\napp->   state from jobs\napp-> where state = 'stuck';\n id | state\n----+------\n(0 rows)\n")).toEqual([
      { kind: 'sql', code: "select id,\n  state from jobs\nwhere state = 'stuck';" },
    ]);
    expect(fenceActions('', '$ sudo -u postgres psql\npsql (16.1)\npostgres=# select pg_is_in_recovery();\n pg_is_in_recovery\n-------------------\n f\n')).toEqual([
      { kind: 'shell', code: 'sudo -u postgres psql' },
      { kind: 'sql', code: 'select pg_is_in_recovery();' },
    ]);
  });

  it('does not mistake shell, YAML or log lines for prompts', () => {
    expect(transcriptCommands('kubectl get pods -o=json\nkey: value\nlevel=info msg="x"\n2024-01-01 10:00:00 ERROR a=>b\n')).toEqual([]);
  });
});

describe('shapes of commands', () => {
  const rb = fixture('shapes.md');
  const by = actionsBySection(rb);

  it('keeps a heredoc whole through its terminator, and nothing after it', () => {
    expect(by['heredoc-in-a-transcript']).toEqual([['shell', 'cat <<EOF | oc apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: drain-settings\ndata:\n  grace: "60"\nEOF', 4]]);
    expect(by['heredoc-typed-with-bashs-continuation-prompt']).toEqual([['shell', 'psql "$ARCHIVE_URL" <<\'SQL\'\nselect count(*) from archive.jobs;\nSQL', 17]]);
  });

  it('joins backslash continuations and lines wrapped after a pipe', () => {
    expect(by['backslash-continuation-then-output']).toEqual([['shell', 'oc adm must-gather \\\n  --dest-dir=/tmp/gather \\\n  -- /usr/bin/gather_audit_logs', 27]]);
    expect(by['wrapped-at-a-pipe']).toEqual([['shell', 'oc get pods -A -o wide |\n    grep -v Running', 35]]);
  });

  it('reads an untyped fence opening with cd, export, source, a loop or an assignment as shell', () => {
    expect(by['first-line-cd']).toEqual([['shell', 'cd /srv/restore\n./restore.sh --from latest', 42]]);
    expect(by['first-line-export']).toEqual([['shell', 'export NAMESPACE=$(oc get ns -l tenant=blue -o name | cut -d/ -f2)\noc -n "$NAMESPACE" get pods', 48]]);
    expect(by['first-line-source']).toEqual([['shell', 'source ~/.config/ops/prod.env', 54]]);
    expect(by['first-line-a-loop']).toEqual([['shell', 'for node in $(oc get nodes -o name); do\n  oc adm cordon "$node"\ndone', 59]]);
    expect(by['first-line-an-assignment']).toEqual([['shell', 'CLUSTER_ID=abc123\nocm get cluster $CLUSTER_ID', 66]]);
    expect(by['an-untyped-config-line-with-a-dot-is-not-shell']).toBeUndefined();
  });

  it('keeps quoted heredoc markers, <<- terminators with tabs, and a heredoc inside a typed transcript', () => {
    expect(fenceActions('console', '$ kubectl apply -f - <<-"YAML"\n\tkind: Namespace\n\tYAML\nnamespace/x created\n')).toEqual([{ kind: 'shell', code: 'kubectl apply -f - <<-"YAML"\n\tkind: Namespace\n\tYAML' }]);
    expect(fenceActions('bash', '$ cat > /tmp/x <<EOF\nline with $ sign\n$ not a prompt inside the heredoc\nEOF\n$ wc -l /tmp/x\n2 /tmp/x\n')).toEqual([
      { kind: 'shell', code: 'cat > /tmp/x <<EOF\nline with $ sign\n$ not a prompt inside the heredoc\nEOF\nwc -l /tmp/x' },
    ]);
  });

  it('reads an apostrophe in output as text, so a later command is not swallowed', () => {
    expect(fenceActions('', "kubectl get widgets\nerror: the server doesn't have a resource type \"widgets\"\nkubectl get crd | grep widget\n")).toEqual([
      { kind: 'shell', code: 'kubectl get widgets\nkubectl get crd | grep widget' },
    ]);
  });

  it('keeps a multi-line if/case block of an untyped fence whole', () => {
    const code = 'if [ -f /etc/maintenance ]; then\n  echo "in maintenance"\n  exit 0\nfi\nsystemctl restart api';
    expect(fenceActions('', code + '\n')).toEqual([{ kind: 'shell', code }]);
  });

  it('reads a shell fence holding only log lines as output, and a shell fence with one command among logs as shell', () => {
    expect(fenceActions('shell', 'Oct 18 19:39:36 ip-10-0-0-1 chronyd[2055]: System clock wrong\nOct 19 00:13:18 ip-10-0-0-1 chronyd[2055]: stepped\n')).toEqual([]);
    expect(fenceActions('bash', '2024-05-01T03:10:00Z ERROR x\nE0219 01:25:20.890006 1 writer.go:226] y\n')).toEqual([]);
    expect(fenceActions('bash', 'Oct 18 19:39:36 host x\nsystemctl restart chronyd\n')).toEqual([{ kind: 'shell', code: 'Oct 18 19:39:36 host x\nsystemctl restart chronyd' }]);
  });

  it('takes pgbouncer and psql SHOW statements that end with a semicolon', () => {
    expect(fenceActions('', 'show databases;\n')).toEqual([{ kind: 'sql', code: 'show databases;' }]);
    expect(classifyInline('show databases')).toBeNull();
    expect(classifyInline('show work_mem')).toBe('sql');
  });

  it('drops the result table after SQL in an untyped fence', () => {
    expect(fenceActions('', 'select count(*) from jobs where state = \'stuck\';\n count\n-------\n     3\n(1 row)\n')).toEqual([{ kind: 'sql', code: "select count(*) from jobs where state = 'stuck';" }]);
  });
});

describe('other query languages', () => {
  const rb = fixture('queries.md');

  it('gives PromQL, LogQL, KQL and redis-cli their own kinds', () => {
    expect(actionsBySection(rb)).toEqual({
      promql: [['promql', 'sum by (namespace) (rate(container_cpu_usage_seconds_total[5m]))', 4]],
      logql: [['logql', '{app="checkout"} |= "timeout" | json | line_format "{{.msg}}"', 9]],
      kql: [['kql', 'AzureDiagnostics | where Category == "kube-audit" | take 20', 14]],
      'redis-cli-session': [['redis', 'INFO memory\nCONFIG GET maxmemory', 19]],
      'promql-pasted-in-a-console-fence-is-promql-not-shell': [['promql', 'rate(http_requests_total{code=~"5.."}[5m])', 29]],
      'logql-in-an-untyped-fence': [['logql', '{namespace="checkout", container="api"} |= "deadline exceeded"', 39]],
    });
  });

  it('never lists query code as environment variables to ask for', () => {
    for (const { action } of allActions(rb)) expect(action.env).toBeUndefined();
  });

  it('finds PromQL only when the whole block is PromQL', () => {
    expect(fenceActions('text', 'kubelet_volume_stats_available_bytes{\n  namespace="x"\n}\n')).toEqual([{ kind: 'promql', code: 'kubelet_volume_stats_available_bytes{\n  namespace="x"\n}' }]);
    expect(fenceActions('', 'sum by (job) (rate(http_requests_total[5m])) > 0.5\n')).toEqual([{ kind: 'promql', code: 'sum by (job) (rate(http_requests_total[5m])) > 0.5' }]);
    for (const notQuery of ['some_setting = on\nother = 1', 'max_connections', 'DO_NOT_MOVE_THIS_FILE', 'rate limited: retry in 5s', 'sum(x) is the total', 'error_count{a="b"}; rm -rf /']) {
      expect(fenceActions('', notQuery + '\n').map((a) => a.kind)).not.toContain('promql');
    }
  });

  it('reads a redis fence with prompts as only what was typed', () => {
    expect(fenceActions('redis', 'redis 10.0.0.5:6379[2]> DBSIZE\n(integer) 42\n')).toEqual([{ kind: 'redis', code: 'DBSIZE' }]);
  });
});

describe('prose in backticks', () => {
  const rb = fixture('prose.md');

  it('leaves names, column titles and command names in sentences alone', () => {
    expect(actionsBySection(rb).words).toBeUndefined();
  });

  it('still takes the same programs with what they act on, and a code span wrapped over lines', () => {
    expect(actionsBySection(rb).commands).toEqual([
      ['shell', 'rm -rf /var/lib/etcd/member/wal.tmp', 11],
      ['shell', 'kill -9 4242', 12],
      ['sql', 'table pg_stat_activity;', 13],
      ['sql', 'show max_connections', 13],
      ['shell', 'kubectl get pods -n checkout', 14],
      ['shell', 'oc whoami', 15],
    ]);
  });

  const prose: string[] = ['pgbouncer Connection Pooling', 'docker Compose File', 'Cluster Logging Operator', 'Table type', 'rm -rf', 'kill -9', 'chmod +x', 'analyze the logs', 'Show', 'Vacuum Full', 'table of contents', 'cluster logging', 'Select an option', 'grep -i', 'ssh -A', 'cd'];
  it.each(prose)('`%s` is prose', (code) => {
    expect(classifyInline(code)).toBeNull();
  });
});

describe('structure', () => {
  const rb = fixture('structure.md');

  it('warns about invalid front matter instead of making it an H2 section', () => {
    expect(rb.warnings).toEqual(['The front matter (lines 1–4) is not valid YAML; it is ignored.']);
    expect(rb.meta).toBeUndefined();
    expect(allSections(rb).map((s) => s.title)).not.toContain('owner: ops');
  });

  it('makes no section of a table of contents before the first H1', () => {
    expect(rb.title).toBe('Structure');
    expect(allSections(rb).map((s) => s.id)).toEqual(['the-goal-of-it', 'restart-the-api-now', 'meaning']);
  });

  it('gives headings with links, emphasis and code the anchors GitHub gives them', () => {
    const ids = parseRunbook(['## The [goal](https://x.example/a) of it', '## ![logo](l.png) Logo *and* _text_', '## `kubectl` &amp; friends', '## Steps', '## Steps', '## !!!', '## !!!'].join('\n')).sections.map((s) => s.id);
    expect(ids).toEqual(['the-goal-of-it', '-logo-and-text', 'kubectl--friends', 'steps', 'steps-1', 'section', 'section-1']);
  });

  it('reads lettered lines as sub-steps, with their actions and fences', () => {
    const [drain, reboot] = allSections(rb).find((s) => s.id === 'meaning')!.steps;
    expect(drain!.text).toBe('Drain the node:');
    expect(drain!.actions).toEqual([]);
    expect(drain!.steps.map((s) => [s.id, s.text, s.line, s.actions.map((a) => a.code)])).toEqual([
      ['meaning/1.1', 'Cordon it: `oc adm cordon worker-3`', 18, ['oc adm cordon worker-3']],
      ['meaning/1.2', 'Evict the pods:', 19, ['oc adm drain worker-3 --ignore-daemonsets']],
      ['meaning/1.3', 'Check nothing is left, e.g. with the console.', 24, []],
    ]);
    expect(reboot!.steps).toEqual([]);
  });

  it('does not letter a line that only starts with a letter and a dot', () => {
    const rb2 = parseRunbook('## S\n1. Restart it\n   e.g. with systemctl\n   b. is not a sub-step without an a.\n');
    expect(rb2.sections[0]!.steps[0]!.steps).toEqual([]);
  });

  it('keeps valid front matter as metadata and a list of links after the title as no steps', () => {
    const rb2 = parseRunbook('---\ntitle: T\n---\n# T\n- [A](#a)\n- [B](#b)\n\n## A\n- `oc get pods -A`\n');
    expect(rb2.meta).toEqual({ title: 'T' });
    expect(rb2.warnings).toBeUndefined();
    expect(allSections(rb2).map((s) => s.id)).toEqual(['a']);
  });
});

describe('shells, prompts and fences people paste', () => {
  const rb = fixture('shells.md');
  const by = actionsBySection(rb);

  it("reads root's bare # as a prompt after sudo -i, and a # line that is no command as a comment", () => {
    expect(by['root-after-sudo--i']).toEqual([['shell', 'sudo -i\nsystemctl restart kubelet\njournalctl -u kubelet -n 20 --no-pager', 4]]);
    expect(fenceActions('console', '$ kubectl exec -it db-0 -- bash\n# psql -c "select 1"\n# exit\n$ kubectl get pods\n# not a prompt again\n')).toEqual([
      { kind: 'shell', code: 'kubectl exec -it db-0 -- bash\npsql -c "select 1"\nkubectl get pods' },
    ]);
    expect(fenceActions('console', '$ kubectl exec db-0 -- ls\n# ls -la /tmp\n')).toEqual([{ kind: 'shell', code: 'kubectl exec db-0 -- ls' }]);
  });

  it("reads a block of root's # prompts and their output as a transcript", () => {
    expect(by['root-prompt-only']).toEqual([['shell', 'service haproxy reload', 13]]);
  });

  it('keeps a commented-out command of a script a comment, and a config file with one no action', () => {
    expect(by['a-comment-in-a-script-is-not-a-prompt']).toEqual([['shell', '# rm -rf /var/cache/app   (old way, do not use)\nsystemctl restart app', 20]]);
    expect(by['a-config-file-whose-comment-names-a-command']).toBeUndefined();
    expect(fenceActions('', '# systemctl restart x\n[Service]\nRestart=always\n')).toEqual([]);
    expect(fenceActions('', '# kubectl delete ns prod\n')).toEqual([]);
    expect(fenceActions('', '# Notes\n# kubectl get pods\nNAME READY\n')).toEqual([]);
  });

  it('reads host and folder prompts, and a command followed by a comment as a command', () => {
    expect(by['host-and-folder-prompts']).toEqual([['shell', 'pg_lsclusters\n./bin/rotate-keys --dry-run', 33]]);
    expect(by['a-command-with-a-comment-is-not-a-host-prompt']).toBeUndefined();
    expect(fenceActions('bash', 'run-backup # nightly\nsystemctl restart app\n')).toEqual([{ kind: 'shell', code: 'run-backup # nightly\nsystemctl restart app' }]);
    expect(fenceActions('', 'web-1 # Check the disk\nweb-1 # df -h /\n/dev/sda1  40G  39G\n')).toEqual([{ kind: 'shell', code: 'df -h /' }]);
  });

  it("drops bash's > continuation prompts and keeps the loop whole", () => {
    expect(by['continuation-prompts']).toEqual([['shell', 'for ns in a b; do\nkubectl -n "$ns" get pods\ndone', 46]]);
  });

  it('runs nothing typed at mysql>, mongo, cmd or PowerShell prompts, nor a cmdlet', () => {
    expect(by['other-shells-and-windows']).toEqual([['shell', 'kubectl get nodes', 68]]);
    expect(fenceActions('', '> db.users.find()\n{ "_id": 1 }\n')).toEqual([]);
    expect(fenceActions('', 'redis> PING\nPONG\n')).toEqual([{ kind: 'redis', code: 'PING' }]);
  });

  it('reads a shell fence that holds only aligned output as output', () => {
    expect(by['a-script-fence-full-of-output']).toBeUndefined();
    expect(fenceActions('sh', 'kubectl get pods\nNAME      READY   STATUS\n')).toEqual([{ kind: 'shell', code: 'kubectl get pods\nNAME      READY   STATUS' }]);
  });

  it('takes nothing from a diff, nor from an example fence inside a longer fence', () => {
    expect(by['diff-fences']).toBeUndefined();
    expect(by['nested-fences']).toEqual([['shell', 'kubectl -n checkout rollout restart deploy/api', 94]]);
  });

  it('finds fences inside list items and blockquotes on their own lines', () => {
    expect(by['fences-in-lists-and-quotes']).toEqual([
      ['shell', 'systemctl restart api', 101],
      ['shell', 'systemctl status api', 105],
    ]);
  });

  it('reads PromQL with # comments as PromQL, comments kept', () => {
    expect(by['promql-with-comments']).toEqual([['promql', 'sum by (pod) ( # per pod\n  rate(container_cpu_usage_seconds_total[5m])\n)', 110]]);
  });

  it('reads a fence whose info string is the command that opened the session as what was typed in it', () => {
    expect(by['a-command-in-the-info-string']).toEqual([['redis', 'SLOWLOG GET 10', 117]]);
    expect(fenceActions('ssh db-1', 'db-1 $ systemctl status postgresql\n● active\n')).toEqual([{ kind: 'shell', code: 'systemctl status postgresql' }]);
    expect(fenceActions('yaml', '$ not a prompt in yaml\n')).toEqual([]);
    expect(fenceActions('ruby', '# kubectl get pods\nputs 1\n')).toEqual([]);
  });

  it('reads a CRLF file and tab-indented transcripts like any other', () => {
    expect(actionsBySection(fixture('crlf.md'))).toEqual({ steps: [['shell', 'kubectl get pods -n web', 4], ['shell', 'oc whoami\noc get nodes', 6]] });
    expect(actionsBySection(fixture('tabs.md'))).toEqual({ steps: [['shell', 'kubectl get pods', 4], ['shell', 'cat <<-EOF > /tmp/x\n\tline\n\tEOF', 9]] });
  });
});

describe('inline code the sentence asks to run', () => {
  const inline = (markdown: string) => allActions(parseRunbook(`## S\n${markdown}\n`)).map(({ action }) => [action.kind, action.code]);

  it('runs a command written with its prompt without the prompt', () => {
    expect(inline('Confirm it: `$ kubectl get pods -n kube-system`')).toEqual([['shell', 'kubectl get pods -n kube-system']]);
    expect(inline('The `$ HOME` variable and `$` alone')).toEqual([]);
  });

  it('takes an unknown program with subcommands when the sentence says run, but not a console verb or two words', () => {
    expect(inline('Run `thanos tools bucket retention` to mark blocks.')).toEqual([['shell', 'thanos tools bucket retention']]);
    expect(inline('Run `show pools` in the console, running `frozen vacuum` later, run `disable server web/1` on the socket.')).toEqual([]);
    expect(inline('Use `bucket ls`, `bucket inspect` and the `bucket web` UI.')).toEqual([]);
    expect(inline('Run the `cluster logging operator` and `Cluster Logging Operator` once.')).toEqual([]);
  });

  it('takes control tools and the subcommands of everyday-word programs', () => {
    expect(inline('On the box, `gitlab-patronictl list`; then `calicoctl get nodes`, `ip addr` and `service haproxy reload`.').map(([, code]) => code)).toEqual([
      'gitlab-patronictl list',
      'calicoctl get nodes',
      'ip addr',
      'service haproxy reload',
    ]);
    expect(inline('The `service account`, the `ip address` of it, `ip` alone and the `kubectl` tool.')).toEqual([]);
  });

  it("takes a known program's companion tool with subcommands, but not a word program's", () => {
    expect(inline('Unlock it: `git-crypt unlock`, then `kubectl-neat get pod x` and `helm-docs`.')).toEqual([
      ['shell', 'git-crypt unlock'],
      ['shell', 'kubectl-neat get pod x'],
    ]);
    expect(inline('The `free-tier limits`, `make-up work`, `cat-food brand` and `git-crypt` alone.')).toEqual([]);
  });

  it('judges a wrapper by what it runs, and build tools by their targets', () => {
    for (const command of ['watch kubectl get pods', 'timeout 30 kubectl rollout status deploy/api', 'env LANG=C sort', 'bundle exec rails c', 'make install', 'service nginx restart'])
      expect(classifyInline(command), command).toBe('shell');
    for (const prose of ['watch the logs', 'watch', 'timeout', 'make sure', 'make it so', 'bundle size', 'service level', 'env vars'])
      expect(classifyInline(prose), prose).toBeNull();
  });

  it('takes a program that needs no argument only when the sentence says run, and not the console a block is typed into', () => {
    expect(inline('ssh into the node and run `reboot`, then run `uptime`.')).toEqual([['shell', 'reboot'], ['shell', 'uptime']]);
    expect(inline('The `reboot` flag, the `top` view and `uptime` stay names; run `kubectl` alone is a name too.')).toEqual([]);
    expect(inline('In `gitlab-rails console`, run the snippet; inside `sudo -u postgres psql` type it.')).toEqual([]);
    expect(inline('Open it with `gitlab-rails console` and regenerate keys with `dpkg-reconfigure openssh-server`.')).toEqual([
      ['shell', 'gitlab-rails console'],
      ['shell', 'dpkg-reconfigure openssh-server'],
    ]);
  });

  it('reads a log line that starts with create index as text, and CREATE statements by their shape', () => {
    expect(fenceActions('', 'create index header reader: write index header: new index reader: get TOC\n')).toEqual([]);
    expect(classifyInline('create table of contents')).toBeNull();
    expect(classifyInline('create view for the team')).toBeNull();
    expect(classifyInline('CREATE INDEX CONCURRENTLY idx_jobs_state ON jobs (state)')).toBe('sql');
    expect(classifyInline('create table archive as select * from jobs')).toBe('sql');
    expect(classifyInline('CREATE VIEW v AS SELECT 1')).toBe('sql');
  });

  it('reads a pg_hba.conf line as text, not host(1)', () => {
    expect(inline('Add `host replication replicator 10.0.0.0/8 md5` and run `host -t mx example.com`.')).toEqual([['shell', 'host -t mx example.com']]);
  });

  it('offers PromQL and LogQL in a sentence only when it asks for a query', () => {
    expect(inline('For example, use `sum(thanos_compact_todo_compaction)`, or `sum(x_total) by (group)`.')).toEqual([
      ['promql', 'sum(thanos_compact_todo_compaction)'],
      ['promql', 'sum(x_total) by (group)'],
    ]);
    expect(inline('The limit can be queried via `cortex_limits{limit="max_series"}`.')).toEqual([['promql', 'cortex_limits{limit="max_series"}']]);
    expect(inline('(example query: `{app="api"} |= "timeout"`)')).toEqual([['logql', '{app="api"} |= "timeout"']]);
    expect(inline('The alert fires when `min_over_time(node_timex_sync_status[5m])` is `0`.')).toEqual([]);
    expect(inline('Use the labels `{{ $labels.node }}` and `severity="info"`, and the metric `etcd_server_has_leader`.')).toEqual([]);
    expect(inline('It uses `rate(x_total[5m])`. Then `sum(y_total)` is shown.')).toEqual([]);
  });
});
