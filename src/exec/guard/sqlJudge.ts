// SQL judged on PostgreSQL's own parse tree (libpg-query, the server's parser in WASM, loaded on
// first use). Deny by default: only statements known to read are reads; every function call and
// operator is checked, so a write hidden in a WHERE clause or a CTE is found.

import type { Finding } from './verdict.js';
import {
  READ_FUNCTION_PATTERNS, READ_FUNCTIONS, READ_ONLY_SETTINGS, READ_OPERATORS, SAFE_SETTINGS, SIDE_EFFECT_FUNCTIONS,
} from './tiers.js';

type Node = Record<string, unknown>;
type Parse = (sql: string) => Promise<{ stmts?: Array<{ stmt: Node; stmt_location?: number; stmt_len?: number }> }>;

let parser: Promise<Parse> | undefined;

/** The parser, loaded once on first use (its WASM costs ~20 ms; the first frame never pays it). */
export function loadSqlParser(): Promise<Parse> {
  parser ??= import('libpg-query').then((m) => m.parse as unknown as Parse);
  return parser;
}

const TRANSACTION_KINDS: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN', TRANS_STMT_START: 'START TRANSACTION', TRANS_STMT_COMMIT: 'COMMIT/END', TRANS_STMT_ROLLBACK: 'ROLLBACK/ABORT',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT', TRANS_STMT_RELEASE: 'RELEASE', TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO', TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED', TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

const DESTRUCTIVE = new Set(['DropStmt', 'TruncateStmt', 'DropdbStmt', 'DropRoleStmt', 'DropTableSpaceStmt', 'DropOwnedStmt', 'DropSubscriptionStmt']);

function label(text: string): string {
  const words = text.replace(/\/\*[\s\S]*?\*\/|--[^\n]*/g, ' ').trim().split(/\s+/).slice(0, 2).join(' ').toUpperCase().replace(/[;(].*$/, '');
  return words || 'the statement';
}

function stringValue(node: unknown): string | undefined {
  const s = (node as { String?: { sval?: string } })?.String?.sval;
  return s;
}

function functionFinding(names: string[]): Finding | undefined {
  const name = names[names.length - 1]!.toLowerCase();
  const schema = names.length > 1 ? names[names.length - 2]!.toLowerCase() : undefined;
  const shown = `${names.join('.')}()`;
  const effect = SIDE_EFFECT_FUNCTIONS[name];
  if (effect && (!schema || schema === 'pg_catalog' || schema === 'public' || schema === 'extensions')) return { tier: 'write', reason: `calls ${shown}, which ${effect}` };
  if (effect) return { tier: 'write', reason: `calls ${shown}, which ${effect}` };
  const builtin = !schema || schema === 'pg_catalog' || schema === 'extensions' || schema === 'auth';
  if (builtin && (READ_FUNCTIONS.has(name) || READ_FUNCTION_PATTERNS.some((p) => p.test(name)))) return undefined;
  return { tier: 'write', reason: `calls ${shown}, which is not known to be read-only` };
}

/** Every function call and operator anywhere in a tree, and statements nested in it (CTEs, EXPLAIN). */
function walkExpressions(node: unknown, findings: Finding[], judgeNested: (stmt: Node) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walkExpressions(item, findings, judgeNested);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === 'FuncCall') {
      const names = ((value as Node).funcname as unknown[] | undefined)?.map(stringValue).filter((n): n is string => Boolean(n)) ?? [];
      if (names.length) {
        const finding = functionFinding(names);
        if (finding) findings.push(finding);
      }
    } else if (key === 'A_Expr' || key === 'AEXPR_OP') {
      const names = ((value as Node).name as unknown[] | undefined)?.map(stringValue).filter((n): n is string => Boolean(n)) ?? [];
      const op = names[names.length - 1];
      const kind = String((value as Node).kind ?? 'AEXPR_OP');
      // BETWEEN, LIKE, IN … are the language's own; a named operator may be a user's function.
      const foreign = names.length > 1 && names[0]!.toLowerCase() !== 'pg_catalog';
      if (op && /^AEXPR_OP/.test(kind) && (foreign || !READ_OPERATORS.has(op))) findings.push({ tier: 'write', reason: `uses the operator ${names.join('.')}, which is not known to be read-only` });
    } else if (key === 'ctequery' && value && typeof value === 'object' && !('SelectStmt' in (value as Node))) {
      judgeNested(value as Node);
      continue;
    }
    walkExpressions(value, findings, judgeNested);
  }
}

export interface SqlJudgement {
  findings: Finding[];
  /** Statements as the server will see them, for the runner; absent when the text does not parse. */
  statements?: string[];
  /** For each statement, whether COPY (…) TO STDOUT can wrap it (a plain query), so its result can be exported by COPY. */
  copyable?: boolean[];
}

/**
 * A plain query COPY (…) TO STDOUT can wrap: SELECT, WITH … SELECT, TABLE or VALUES, returning columns,
 * without INTO (it creates a table), FOR UPDATE/SHARE or a CTE that is not itself a plain query.
 */
export function copyableQuery(stmt: Node): boolean {
  const select = stmt.SelectStmt as Node | undefined;
  if (!select || select.intoClause || select.lockingClause) return false;
  const ctes = (((select.withClause as Node | undefined)?.ctes as Node[] | undefined) ?? []).map((c) => (c.CommonTableExpr as Node | undefined)?.ctequery as Node | undefined);
  if (ctes.some((query) => !query || !copyableQuery(query))) return false;
  return returnsColumns(select);
}

function returnsColumns(select: Node | undefined): boolean {
  if (!select) return false;
  if (select.op && select.op !== 'SETOP_NONE') return returnsColumns(select.larg as Node | undefined);
  return Boolean((select.targetList as unknown[] | undefined)?.length || (select.valuesLists as unknown[] | undefined)?.length);
}

/** Judge SQL text (already filled). */
export async function judgeSql(sql: string): Promise<SqlJudgement> {
  const parse = await loadSqlParser();
  let tree: Awaited<ReturnType<Parse>>;
  try {
    tree = await parse(sql);
  } catch (error) {
    return { findings: [{ tier: 'write', reason: `cannot be parsed as PostgreSQL (${(error as Error).message}), so it is not known to be read-only` }] };
  }
  const findings: Finding[] = [];
  const prepared = new Map<string, Finding[]>();
  const statements: string[] = [];
  const copyable: boolean[] = [];
  for (const raw of tree.stmts ?? []) {
    const start = raw.stmt_location ?? 0;
    const text = raw.stmt_len ? sql.slice(start, start + raw.stmt_len) : sql.slice(start);
    statements.push(text.trim());
    copyable.push(copyableQuery(raw.stmt));
    findings.push(...judgeStatement(raw.stmt, text, prepared));
  }
  return { findings, statements, copyable };
}

function judgeStatement(wrapper: Node, text: string, prepared: Map<string, Finding[]>): Finding[] {
  const [type, body] = Object.entries(wrapper)[0] as [string, Node];
  const findings: Finding[] = [];
  const nested = (stmt: Node) => findings.push(...judgeStatement(stmt, text, prepared));
  const expressions = (node: unknown) => walkExpressions(node, findings, nested);
  const write = (reason: string, destructive = false) => findings.push({ tier: 'write', reason, ...(destructive ? { destructive } : {}) });
  switch (type) {
    case 'SelectStmt':
      if (body.intoClause) write('creates a table (SELECT INTO)');
      if (body.lockingClause) write('locks rows (SELECT … FOR UPDATE/SHARE)');
      expressions(body);
      break;
    case 'ExplainStmt': {
      const analyze = ((body.options as Node[] | undefined) ?? []).some((o) => {
        const def = o.DefElem as Node | undefined;
        if (def?.defname !== 'analyze') return false;
        const arg = def.arg as Node | undefined;
        const off = arg && (JSON.stringify(arg).match(/"(false|off|0)"|"boolval":\{\}|"ival":\{\}/));
        return !off;
      });
      if (analyze) findings.push(...judgeStatement(body.query as Node, text, prepared));
      break;
    }
    case 'VariableShowStmt':
    case 'DeallocateStmt':
    case 'FetchStmt':
    case 'ClosePortalStmt':
    case 'ListenStmt':
    case 'UnlistenStmt':
      break;
    case 'VariableSetStmt': {
      const name = String(body.name ?? '').toLowerCase();
      const kind = String(body.kind ?? '');
      if (kind === 'VAR_RESET_ALL') write('resets every setting, including read-only (RESET ALL)');
      else if (READ_ONLY_SETTINGS.has(name)) write(`changes the read-only transaction setting (SET ${name.startsWith('session') ? 'SESSION CHARACTERISTICS' : name.toUpperCase()})`);
      else if (!SAFE_SETTINGS.has(name)) findings.push({ tier: 'unknown', reason: `changes the setting ${name}` });
      expressions(body.args);
      break;
    }
    case 'TransactionStmt':
      write(`ends or changes the read-only transaction (${TRANSACTION_KINDS[String(body.kind)] ?? 'transaction control'})`);
      break;
    case 'DiscardStmt':
      write('discards the session state, including read-only (DISCARD)');
      break;
    case 'CopyStmt':
      if (body.is_program) write('runs a program on the database server (COPY … PROGRAM)');
      else if (body.is_from) write('writes rows (COPY FROM)');
      else if (body.filename) write('writes a file on the database server (COPY TO a file)');
      expressions(body.query);
      break;
    case 'PrepareStmt': {
      const inner = judgeStatement(body.query as Node, text, prepared);
      prepared.set(String(body.name), inner);
      findings.push(...inner.map((f) => ({ ...f, tier: f.tier === 'write' ? ('write' as const) : f.tier })));
      break;
    }
    case 'ExecuteStmt': {
      const known = prepared.get(String(body.name));
      if (known) findings.push(...known);
      else write(`runs a prepared statement that is not shown (EXECUTE ${String(body.name)})`);
      expressions(body.params);
      break;
    }
    case 'DeclareCursorStmt':
      findings.push(...judgeStatement(body.query as Node, text, prepared));
      break;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt': {
      const verb = type.replace('Stmt', '').toUpperCase();
      const everyRow = (type === 'UpdateStmt' || type === 'DeleteStmt') && !body.whereClause;
      write(`changes rows (${verb}${everyRow ? ' without WHERE, every row' : ''})`, everyRow);
      expressions(body);
      break;
    }
    case 'DoStmt':
      write('runs a code block (DO)');
      break;
    case 'CallStmt':
      write('runs a procedure (CALL)');
      break;
    case 'LockStmt':
      write('takes a table lock (LOCK)');
      break;
    case 'VacuumStmt':
      write(`${body.is_vacuumcmd ? 'vacuums' : 'analyzes'} tables (${body.is_vacuumcmd ? 'VACUUM' : 'ANALYZE'})`);
      break;
    case 'NotifyStmt':
      write('signals listeners (NOTIFY)');
      break;
    default:
      write(`changes the database (${label(text)})`, DESTRUCTIVE.has(type));
  }
  return findings;
}
