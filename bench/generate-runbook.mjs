// A large, realistic runbook: headings, nested lists, task items, fences, tables, comments.
export function generateRunbook(targetLines) {
  const out = ['# Generated operations runbook', ''];
  let n = 0;
  while (out.length < targetLines) {
    n++;
    out.push(`## Alert ${n}: service-${n % 97} latency high`, '');
    out.push(`- [ ] Check the dashboard at \`https://grafana.example.com/d/${n}\``);
    out.push(`- Inspect pods with \`kubectl get pods -n ns-${n % 13}\``);
    out.push(`  1. Describe the failing pod: \`kubectl describe pod <pod name> -n ns-${n % 13}\``);
    out.push(`  2. Query recent errors`, '', '     ```sql', `     select * from errors where service = '...' and id > ${n};`, '     ```', '');
    out.push('<!-- `rm -rf /` is never an action -->', '');
    out.push('| check | command |', '|---|---|', `| disk | \`df -h /var/lib/${n}\` |`, '');
    out.push('```console', `$ curl -s https://svc-${n}.internal/health`, '{"ok": true}', '```', '');
    out.push('Expected log excerpt:', '', '```log', `2024-01-01T00:00:00Z ERROR request ${n} failed`, '```', '');
  }
  return out.slice(0, targetLines).join('\n') + '\n';
}
