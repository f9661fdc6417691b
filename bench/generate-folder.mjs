// A folder of alert runbooks as teams keep them: a few sub-folders, each file a short runbook with
// prompted commands, SQL, tables and log excerpts, every one different (so no two share a cache entry).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TEAMS = ['db', 'api', 'edge', 'storage', 'auth', 'queue', 'search', 'billing', 'infra', 'web'];

export function alertRunbook(i) {
  const ns = `ns-${i % 13}`;
  return [
    `# Alert${i}ServiceDown`,
    '',
    `Service ${i} stopped answering its health check.`,
    '',
    '## Check',
    '',
    `- [ ] Look at the dashboard \`https://grafana.example.com/d/alert-${i}\``,
    `- List the pods: \`kubectl get pods -n ${ns}\``,
    `  1. Describe the failing one: \`kubectl describe pod <pod name> -n ${ns}\``,
    '',
    '```console',
    `$ kubectl logs deploy/service-${i} -n ${ns} --tail=50`,
    `2024-01-01T00:00:00Z ERROR request ${i} failed`,
    '```',
    '',
    '## Database',
    '',
    '```sql',
    `select * from errors where service = '...' and id > ${i};`,
    '```',
    '',
    '| check | command |',
    '|---|---|',
    `| disk | \`df -h /var/lib/service-${i}\` |`,
    '',
    '<!-- `rm -rf /` is never an action -->',
    '',
    '## Escalate',
    '',
    `1. Page the ${TEAMS[i % TEAMS.length]} on-call.`,
    '2. Open an incident.',
    '',
  ].join('\n');
}

/** Writes `count` runbooks under `dir` (emptied first), spread over ten team folders; returns `dir`. */
export function generateFolder(dir, count) {
  rmSync(dir, { recursive: true, force: true });
  for (const team of TEAMS) mkdirSync(join(dir, team), { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, TEAMS[i % TEAMS.length], `alert-${String(i).padStart(5, '0')}.md`), alertRunbook(i));
  return dir;
}
