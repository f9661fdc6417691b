// What an action may do to the world, decided before it runs. Reading runs freely; writing and
// destroying need explicit permission; a protected environment needs its name typed first.

import type { ActionKind } from '../runbook/model.js';
import { splitStatements, type SqlStatement } from './sqlText.js';

export interface Risk {
  /** Changes data, schema or infrastructure. */
  writes: boolean;
  /** Destroys or empties something (DROP, TRUNCATE, DELETE without WHERE, rm -rf …). */
  destructive: boolean;
  /** One sentence per reason, for the confirmation prompt and the log. */
  reasons: string[];
}

const SAFE: Risk = { writes: false, destructive: false, reasons: [] };

const WRITE_WORDS = new Set([
  'insert', 'update', 'delete', 'merge', 'create', 'alter', 'drop', 'truncate', 'grant', 'revoke', 'comment',
  'reindex', 'cluster', 'refresh', 'vacuum', 'call', 'do', 'lock', 'copy', 'import', 'reassign', 'security', 'discard',
]);

function sqlStatementRisk(statement: SqlStatement): Risk {
  const words = statement.words;
  const first = words[0] ?? '';
  const reasons: string[] = [];
  let writes = false;
  let destructive = false;
  const has = (w: string) => words.includes(w);
  const writing = words.filter((w) => WRITE_WORDS.has(w));
  // `copy … to stdout` reads; `copy … from` writes.
  const copyWrites = first === 'copy' && has('from');
  const realWrites = writing.filter((w) => w !== 'copy' || copyWrites);
  if (realWrites.length || ((first === 'select' || first === 'with') && has('into'))) {
    writes = true;
    reasons.push(`writes (${[...new Set(realWrites.length ? realWrites : ['select into'])].map((w) => w.toUpperCase()).join(', ')})`);
  }
  if (has('drop')) {
    destructive = true;
    reasons.push('DROP removes objects and their data');
  }
  if (has('truncate')) {
    destructive = true;
    reasons.push('TRUNCATE empties tables');
  }
  for (const verb of ['delete', 'update'] as const) {
    if (has(verb) && !has('where')) {
      destructive = true;
      reasons.push(`${verb.toUpperCase()} without WHERE changes every row`);
    }
  }
  return { writes, destructive, reasons };
}

export function sqlRisk(sql: string): Risk {
  return merge(splitStatements(sql).map(sqlStatementRisk));
}

interface ShellRule {
  pattern: RegExp;
  destructive: boolean;
  reason: string;
}

const SHELL_RULES: ShellRule[] = [
  { pattern: /\brm\s+(-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\b/, destructive: true, reason: 'rm -r deletes files recursively' },
  { pattern: /\b(mkfs(\.\w+)?|wipefs|shred)\b|\bdd\s+[^|;&]*\bof=/, destructive: true, reason: 'overwrites a disk or device' },
  { pattern: /\bkubectl\s+(\S+\s+)*?(delete|drain|cordon)\b/, destructive: true, reason: 'kubectl deletes or drains cluster resources' },
  { pattern: /\bterraform\s+(destroy|apply\s+[^|;&]*-destroy)\b/, destructive: true, reason: 'terraform destroy removes infrastructure' },
  { pattern: /\bhelm\s+(uninstall|delete)\b/, destructive: true, reason: 'helm uninstall removes a release' },
  { pattern: /\b(flushall|flushdb)\b/i, destructive: true, reason: 'FLUSHALL/FLUSHDB empties Redis' },
  { pattern: /\b(dropdb|dropuser)\b/, destructive: true, reason: 'drops a database or role' },
  { pattern: /\bsupabase\s+db\s+reset\b/, destructive: true, reason: 'supabase db reset recreates the database' },
  { pattern: /\bdocker\s+(system|volume|image|container)\s+prune\b|\bdocker\s+(rm|rmi)\b/, destructive: true, reason: 'docker removes containers, images or volumes' },
  { pattern: /\bgit\s+push\s+[^|;&]*(--force\b|-f\b)|\bgit\s+reset\s+--hard\b|\bgit\s+clean\s+-[a-z]*f/, destructive: true, reason: 'git rewrites or discards history or files' },
  { pattern: /\b(db:migrate|db:rollback|migrate(:up|:down)?|db\s+push|prisma\s+migrate\s+deploy|knex\s+migrate|flyway\s+migrate)\b/, destructive: false, reason: 'runs database migrations' },
  { pattern: /\bkubectl\s+(\S+\s+)*?(apply|create|replace|patch|edit|scale|set|label|annotate|rollout\s+(restart|undo)|cp|exec)\b/, destructive: false, reason: 'kubectl changes cluster resources' },
  { pattern: /\bterraform\s+(apply|import|taint|state\s+(rm|mv|push))\b/, destructive: false, reason: 'terraform changes infrastructure' },
  { pattern: /\bhelm\s+(install|upgrade|rollback)\b/, destructive: false, reason: 'helm changes a release' },
  { pattern: /\bsystemctl\s+(restart|stop|start|reload|disable|enable|kill)\b|\bservice\s+\S+\s+(restart|stop|start)\b/, destructive: false, reason: 'changes a running service' },
  { pattern: /\b(kill|pkill|killall)\s/, destructive: false, reason: 'stops processes' },
  { pattern: /\bsupabase\s+(db\s+push|migration\s+(up|repair)|functions\s+deploy|secrets\s+(set|unset)|storage\s+rm)\b/, destructive: false, reason: 'changes the Supabase project' },
  { pattern: /\bredis-cli\b[^|;&]*\b(del|set|expire|config\s+set)\b/i, destructive: false, reason: 'changes Redis data or settings' },
  { pattern: /\b(aws|gcloud|az)\s[^|;&]*\b(delete|remove|terminate|destroy)\b/, destructive: true, reason: 'deletes cloud resources' },
  { pattern: /\bcurl\s[^|;&]*(-X\s*(POST|PUT|PATCH|DELETE)|--request\s+(POST|PUT|PATCH|DELETE))\b/, destructive: false, reason: 'sends a changing HTTP request' },
];

/** SQL handed to psql inside a shell command counts too: `psql -c "drop table x"`. */
function embeddedSql(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/\bpsql\b[^|;&]*?(?:-c|--command)(?:\s+|=)("([^"]*)"|'([^']*)')/g)) out.push(m[2] ?? m[3] ?? '');
  return out;
}

export function shellRisk(code: string): Risk {
  const risks: Risk[] = SHELL_RULES.filter((r) => r.pattern.test(code)).map((r) => ({ writes: true, destructive: r.destructive, reasons: [r.reason] }));
  for (const sql of embeddedSql(code)) risks.push(sqlRisk(sql));
  return merge(risks);
}

function merge(risks: Risk[]): Risk {
  if (!risks.length) return SAFE;
  return {
    writes: risks.some((r) => r.writes),
    destructive: risks.some((r) => r.destructive),
    reasons: [...new Set(risks.flatMap((r) => r.reasons))],
  };
}

export function actionRisk(kind: ActionKind, code: string): Risk {
  if (kind === 'sql') return sqlRisk(code);
  if (kind === 'shell') return shellRisk(code);
  return SAFE;
}
