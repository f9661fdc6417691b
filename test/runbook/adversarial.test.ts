// Inputs built to get past the transcript, heredoc and query rules, or to make them slow.
import { describe, expect, it } from 'vitest';
import { classifyInline, fenceActions } from '../../src/runbook/classify.js';
import { parseRunbook } from '../../src/runbook/parse.js';
import { findEnvReferences } from '../../src/runbook/placeholders.js';
import { allActions } from '../../src/runbook/walk.js';

describe('what is and is not run', () => {
  it('never turns a prompt-less console, shell-session or text fence into shell, whatever it holds', () => {
    for (const language of ['console', 'shell-session', 'terminal', 'text', 'log', 'output']) {
      const kinds = fenceActions(language, 'rm -rf /var/lib/postgresql\nkubectl delete ns prod\n').map((a) => a.kind);
      expect(kinds, language).toEqual([]);
    }
  });

  it('never gives a query kind to something with shell in it', () => {
    for (const text of ['sum(up) ; rm -rf /', 'rate(x[5m]) && curl evil', 'up{job="a"} | sh', '{a="b"} $(reboot)', 'up`reboot`']) {
      expect(fenceActions('', text + '\n').map((a) => a.kind)).not.toContain('promql');
    }
  });

  it('keeps an unterminated heredoc to the end of the block, and no command after it runs on its own', () => {
    expect(fenceActions('console', '$ cat > /etc/app.conf <<EOF\nkey=1\n$ systemctl restart app\n')).toEqual([
      { kind: 'shell', code: 'cat > /etc/app.conf <<EOF\nkey=1\n$ systemctl restart app' },
    ]);
  });

  it('reads a heredoc marker inside quotes or a here-string as no heredoc', () => {
    expect(fenceActions('console', "$ echo '<<EOF'\n<<EOF\n$ grep x <<< \"$VAR\"\nout\n")).toEqual([{ kind: 'shell', code: "echo '<<EOF'\ngrep x <<< \"$VAR\"" }]);
  });

  it('does not take output that looks like a psql prompt inside a shell transcript for SQL when it is the shell that printed it', () => {
    const kinds = fenceActions('console', '$ echo "db=# select 1;"\ndb=# select 1;\n').map((a) => a.kind);
    expect(kinds).toEqual(['shell', 'sql']);
  });

  it('handles pathological lines without slowing down', () => {
    const inputs = [
      '{a="b"' + '  ,  a="b"  '.repeat(3000) + ' x',
      'sum(' + 'a_b '.repeat(5000) + '!',
      'a@'.repeat(20000) + 'x',
      'a' + '-'.repeat(50000) + '=x',
      '$ cat <<' + 'E'.repeat(30000) + '\n' + 'x\n'.repeat(20000),
      'kubectl get x\n' + 'if [ x ]; then\n'.repeat(20000),
      "x'".repeat(20000),
      // host prompts (`db-01 $ `, `chef-repo # `), root prompts, console names, PromQL comments, CREATE shapes, cmdlets
      'a' + '-'.repeat(50000) + ' x $ y',
      'a' + '.'.repeat(50000) + ' #',
      'a' + '-'.repeat(50000) + '$',
      '#' + ' '.repeat(50000) + 'x',
      '# kubectl get pods\n' + 'output line\n'.repeat(20000),
      '$ sudo -i\n' + '# x\n'.repeat(20000),
      'psql' + ' -a -b'.repeat(8000),
      'sum(x) ' + '# '.repeat(25000),
      'create index ' + 'x '.repeat(25000),
      'PS> Get-' + 'A'.repeat(50000),
      '$ kubectl exec' + ' -it'.repeat(15000) + ' x',
    ];
    for (const text of inputs) {
      for (const language of ['', 'console', 'bash', 'text', 'psql']) expect(() => fenceActions(language, text)).not.toThrow();
      expect(() => classifyInline(text.split('\n')[0]!)).not.toThrow();
      expect(() => parseRunbook('## S\n- `' + text.split('\n')[0] + '`\n')).not.toThrow();
      // The sentence before a span is read too: a long one, then run and use invitations.
      expect(() => parseRunbook('## S\n' + 'word '.repeat(20000) + 'run `' + text.split('\n')[0]!.replace(/`/g, '') + '` and use `sum(x_total)`\n')).not.toThrow();
    }
  });
});

describe('variables a command reads', () => {
  it('does not ask for variables inside a quoted heredoc body, and does inside an unquoted one', () => {
    expect(findEnvReferences("cat <<'EOF' > /tmp/x.sh\necho $INSIDE\nEOF\necho $AFTER")).toEqual(['AFTER']);
    expect(findEnvReferences('cat <<\\EOF\n$ESCAPED\nEOF')).toEqual([]);
    expect(findEnvReferences('cat <<EOF\n$EXPANDED\nEOF')).toEqual(['EXPANDED']);
  });

  it('lists no variables for query kinds and URLs', () => {
    const rb = parseRunbook('## Q\n```promql\nsum(rate(x{ns="$NAMESPACE"}[5m]))\n```\n- `https://grafana.example.com/d/x?var-ns=$NAMESPACE`\n');
    expect(allActions(rb).map(({ action }) => [action.kind, action.env])).toEqual([['promql', undefined], ['url', undefined]]);
  });
});
