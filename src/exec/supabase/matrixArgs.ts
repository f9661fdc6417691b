// The arguments of `rls matrix [TABLE …] [--user CLAIM=VALUE[,CLAIM=VALUE…] …] [--role ROLE …] [--schema S …]`,
// checked before anything connects. Pure: no database here.

export class MatrixUsageError extends Error {}

export const MATRIX_USAGE = 'rls matrix [TABLE …] [--user CLAIM=VALUE[,CLAIM=VALUE…] …] [--role ROLE …] [--schema SCHEMA …]';

/** One signed-in user to impersonate: the role `authenticated` (or the claim `role`) with these JWT claims. */
export interface MatrixUser {
  /** The column's name: the value of the user's first claim (`ravi@example.com`). */
  label: string;
  /** The first claim's name (`email`, `sub`, …). */
  claim: string;
  claims: Record<string, string>;
}

export interface MatrixArgs {
  tables: string[];
  users: MatrixUser[];
  roles: string[];
  schemas: string[];
}

// A claim name may be a dotted path into the claims object (`app_metadata.tenant_id`).
const CLAIM_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_$-]*$/;
// Any name a table may have (quote it in the fence when it has spaces); never spliced into SQL.
const TABLE = /^[^\x00-\x1f\x7f]+$/;

function parseUser(spec: string): MatrixUser {
  const claims: Record<string, string> = {};
  let first: string | undefined;
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new MatrixUsageError(`--user needs CLAIM=VALUE (for example --user email=ravi@example.com), not "${spec}"`);
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1);
    if (!CLAIM_NAME.test(name)) throw new MatrixUsageError(`"${name}" is not a claim name: use letters, digits and underscores (dots for nested claims)`);
    if (!value) throw new MatrixUsageError(`the claim ${name} in --user needs a value`);
    if (name in claims) throw new MatrixUsageError(`the claim ${name} is given twice in --user ${spec}`);
    claims[name] = value;
    if (first === undefined && name !== 'role') first = name;
  }
  first ??= 'role';
  return { label: claims[first]!, claim: first, claims };
}

/** Parse the words after `rls matrix`. Values are data: they never reach SQL except as bind parameters. */
export function parseMatrixArgs(words: string[]): MatrixArgs {
  const args: MatrixArgs = { tables: [], users: [], roles: [], schemas: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const option = /^--(user|role|schema)(?:=(.*))?$/.exec(word);
    if (option) {
      const value = option[2] ?? words[++i];
      if (value === undefined || value === '') throw new MatrixUsageError(`--${option[1]} needs a value; usage: ${MATRIX_USAGE}`);
      if (option[1] === 'user') args.users.push(parseUser(value));
      else if (!NAME.test(value)) throw new MatrixUsageError(`"${value}" is not a ${option[1]} name`);
      else if (option[1] === 'role') args.roles.push(value);
      else args.schemas.push(value);
    } else if (word.startsWith('-')) {
      throw new MatrixUsageError(`unknown option ${word}; usage: ${MATRIX_USAGE}`);
    } else if (!TABLE.test(word)) {
      throw new MatrixUsageError(`"${word.replace(/[\x00-\x1f\x7f]/g, '?')}" is not a table name (TABLE or SCHEMA.TABLE)`);
    } else {
      args.tables.push(word);
    }
  }
  // Every column needs its own name: a user named like a fixed column or a role, or like another
  // user, is told apart by a suffix.
  const reserved = new Set(['table', 'total', 'anon', 'shared', 'insert', 'update', 'delete', ...args.roles]);
  const taken = new Set(reserved);
  for (const user of args.users) {
    let label = reserved.has(user.label) ? `${user.label} (user)` : user.label;
    for (let n = 2; taken.has(label); n++) label = `${user.label} #${n}`;
    user.label = label;
    taken.add(label);
  }
  if (new Set(args.roles).size !== args.roles.length) throw new MatrixUsageError('a --role is given twice');
  const fixed = args.roles.find((r) => ['table', 'total', 'anon', 'shared', 'insert', 'update', 'delete'].includes(r));
  if (fixed) throw new MatrixUsageError(`--role ${fixed} would repeat a column the matrix always has`);
  return args;
}

/** The claims object a Supabase JWT would carry for this user (`role` and `aud` default to authenticated). */
export function claimsJson(user: MatrixUser, extra: Record<string, string> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { role: 'authenticated', aud: 'authenticated', ...extra };
  for (const [path, value] of Object.entries(user.claims)) {
    const keys = path.split('.');
    let node = out;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1)!] = value;
  }
  return out;
}
