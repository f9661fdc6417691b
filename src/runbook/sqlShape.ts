// Whether text is a SQL statement: a statement keyword, written `select` or `SELECT`, followed by the
// shape of that statement (what it acts on), so names and sentences that start like SQL stay text.

const SQL_STATEMENT: Array<[RegExp, RegExp]> = [
  // [leading keyword, shape the rest must have]
  [/^select\b/i, /^select\s+\S/i],
  [/^with\b/i, /^with\s+(recursive\s+)?[\w"]+(\s*\([^)]*\))?\s+as\s+(not\s+)?(materialized\s+)?\(/i],
  [/^insert\b/i, /^insert\s+into\s+\S/i],
  [/^update\b/i, /^update\s+(only\s+)?[\w."]+(\s+(as\s+)?\w+)?\s+set\s/i],
  [/^delete\b/i, /^delete\s+from\s+\S/i],
  [/^merge\b/i, /^merge\s+into\s+\S/i],
  [/^(alter|create|drop|comment)\b/i, /^(alter|create(\s+or\s+replace)?(\s+unique)?|drop|comment\s+on)\s+(table|index|view|materialized\s+view|policy|role|user|schema|extension|function|procedure|trigger|type|sequence|database|publication|subscription|column|constraint|default|privileges|domain|aggregate|event\s+trigger|foreign\s+table|rule|server|tablespace|owned)\b(\s+(if\s+(not\s+)?exists\s+|concurrently\s+|unique\s+)*[\w"*])/i],
  [/^truncate\b/i, /^truncate\s+(table\s+)?[\w."]+/i],
  [/^(grant|revoke)\b/i, /^(grant|revoke)\s+[\w, ]+\s+(on|to|from)\s+\S/i],
  [/^explain\b/i, /^explain\s+(\([^)]*\)\s*|analy[sz]e\s+|verbose\s+)*(select|insert|update|delete|with|merge|values|table|execute)\b/i],
  [/^(vacuum|analy[sz]e|reindex|cluster)\b/i, /^(vacuum|analy[sz]e|reindex|cluster)(\s+\([^)]*\))?(\s+(full|verbose|freeze|analy[sz]e|table|index|schema|database|concurrently))*(\s+(?!(full|verbose|freeze|analy[sz]e|concurrently)\b)[\w."]+(\s*\([\w, "]*\))?\s*;?|\s*;)$/i],
  [/^refresh\b/i, /^refresh\s+materialized\s+view\s+\S/i],
  [/^(set|reset|show)\b/i, /^(set\s+(local\s+|session\s+)?[\w.]+\s*(=|to)\s*\S|set\s+role\s+\S|reset\s+(role|all|[\w.]+)\s*;?$|show\s+[\w.]+\s*;?$)/i],
  [/^(copy)\b/i, /^copy\s+[\w."(]+.*\b(to|from)\b/i],
  [/^(call)\b/i, /^call\s+[\w.]+\s*\(/i],
  [/^(lock)\b/i, /^lock\s+(table\s+)?[\w."]+/i],
  [/^(notify|listen|unlisten)\b/i, /^(notify|listen|unlisten)\s+[\w"*]+/i],
  [/^(begin|start\s+transaction|commit|rollback)\b/i, /^(begin|start\s+transaction|commit|rollback)\s*(;|\s+(read|isolation|transaction|work))/i],
  [/^values\b/i, /^values\s*\(/i],
  [/^table\b/i, /^table\s+[\w."]+\s*;?$/i],
  [/^do\b/i, /^do\s+(\$\w*\$|language\b)/i],
];

/** Strip leading SQL comments and blank lines so the first statement can be looked at. */
function stripLeadingSqlComments(text: string): string {
  let s = text.trimStart();
  for (;;) {
    if (s.startsWith('--')) {
      const nl = s.indexOf('\n');
      s = nl < 0 ? '' : s.slice(nl + 1).trimStart();
    } else if (s.startsWith('/*')) {
      const end = s.indexOf('*/');
      s = end < 0 ? '' : s.slice(end + 2).trimStart();
    } else if (s.startsWith('(')) {
      s = s.slice(1).trimStart(); // `(select …) union …`
    } else {
      return s;
    }
  }
}

const SQL_KEYWORDS = new Set(
  `select with insert update delete merge alter create drop comment truncate grant revoke explain vacuum analyze analyse
  reindex cluster refresh set reset show copy call lock notify listen unlisten begin start commit rollback values table do`.split(/\s+/),
);

export function isSql(text: string): boolean {
  const stripped = stripLeadingSqlComments(text);
  // SQL is written `select` or `SELECT`; `Table`, `Cluster` and `Show` start names and sentences.
  const keyword = /^[A-Za-z]+/.exec(stripped)?.[0] ?? '';
  if (!SQL_KEYWORDS.has(keyword.toLowerCase())) return false;
  if (keyword !== keyword.toLowerCase() && keyword !== keyword.toUpperCase()) return false;
  const s = stripped.replace(/\s+/g, ' ');
  // `table type` and `cluster logging` are words; the statements name a table (`table pg_stat_activity;`).
  if (/^(table|cluster)\b/i.test(s) && !/;\s*$|^\w+\s+(verbose\s+)?"?\w*[_."]/i.test(s)) return false;
  // `show sockets` is pgbouncer's console; PostgreSQL settings have an underscore or a dot (`show work_mem`).
  if (/^show\s+\w+\s*$/i.test(s) && !/^show\s+(\w*[_.]\w*|all|timezone|port)\s*$/i.test(s)) return false;
  // `create index header reader: …` is a log line: a CREATE defines its object (`… on t (…)`, `… as …`).
  if (/^create\s+(unique\s+)?index\b/i.test(s) && !/\bon\b/i.test(s)) return false;
  if (/^create\s+(or\s+replace\s+)?(materialized\s+)?view\b/i.test(s) && !/\bas\b/i.test(s)) return false;
  if (/^create\s+table\b/i.test(s) && !/[(]|\b(as|like|partition\s+of)\b/i.test(s)) return false;
  for (const [keyword, shape] of SQL_STATEMENT) {
    if (keyword.test(s)) return shape.test(s);
  }
  return false;
}
