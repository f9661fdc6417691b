// Placeholder values are data in every context: whatever the value, the command keeps its shape
// and the value arrives byte for byte. Shell runs real bash; SQL is compared on PostgreSQL's parse tree.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillShell, fillSql } from '../../src/exec/guard/fill.js';
import { loadSqlParser } from '../../src/exec/guard/sqlJudge.js';

// Values an attacker or a tired operator would type: quotes, $( ), backticks, newlines, ;, --, \, Unicode.
const PIECES = ['a', 'z', "'", '"', '`', '$', '$(', ')', '{', '}', ';', '|', '&', '<', '>', '\\', '\n', '\t', ' ', '#', '*', '?', '!', '--', '–', 'é', '日', '😀', '=', '%', '_', '.', ',', ':', '/', 'EOF', '*/', '/*', "''", '$$'];
const nasty = fc.array(fc.constantFrom(...PIECES), { maxLength: 16 }).map((parts) => parts.join(''));

function bash(code: string, vars: Record<string, string>): { stdout: string; status: number | null } {
  const r = spawnSync('/bin/bash', ['-c', code], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...vars }, encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status };
}

describe('shell placeholders keep the command shape in every context', () => {
  // Each template prints the value between markers; the output must be exactly the value.
  const contexts: Array<[string, string, (v: string) => string]> = [
    ['plain word', "printf '[%s]' <x>", (v) => `[${v}]`],
    ['double quotes', 'printf \'[%s]\' "a<x>b"', (v) => `[a${v}b]`],
    ['single quotes', "printf '[%s]' 'a<x>b'", (v) => `[a${v}b]`],
    ['$( ) in double quotes', 'printf \'[%s]\' "$(printf \'%s\' <x>)"', (v) => `[${v.replace(/\n+$/, '')}]`],
    ["'...' inside $( ) in double quotes", 'printf \'[%s]\' "$(printf \'%s\' \'<x>\')"', (v) => `[${v.replace(/\n+$/, '')}]`],
    ['backticks', "printf '[%s]' \"`printf '%s' <x>`\"", (v) => `[${v.replace(/\n+$/, '')}]`],
    ['unquoted heredoc', 'cat <<EOF\n[<x>]\nEOF', (v) => `[${v}]\n`],
    ['quoted heredoc', "cat <<'EOF'\n[<x>] $HOME `x` \\n\nEOF", (v) => `[${v}] $HOME \`x\` \\n\n`],
    ["$'…'", "printf '[%s]' $'a<x>b'", (v) => `[a${v}b]`],
    ['quoted ellipsis', "printf '[%s]' '...'", (v) => `[${v}]`],
    ['assignment', 'X=<x>; printf \'[%s]\' "$X"', (v) => `[${v}]`],
    ['default of an unset variable', 'printf \'[%s]\' ${UNSET_X:-<x>}', (v) => `[${v}]`],
    ['default inside double quotes', 'printf \'[%s]\' "${UNSET_X:-<x>}"', (v) => `[${v}]`],
    ['double quotes inside $( ) inside double quotes', 'printf \'[%s]\' "$(printf \'%s\' "<x>")"', (v) => `[${v.replace(/\n+$/, '')}]`],
    ['here-string', "cat <<< <x>", (v) => `${v}\n`],
    ['$( ) inside an unquoted heredoc', 'cat <<EOF\n[$(printf \'%s\' "<x>")]\nEOF', (v) => `[${v.replace(/\n+$/, '')}]\n`],
    ['a comment after the command', "printf '[ok]' # <x>", () => '[ok]'],
    ['case word', "case <x> in *) printf '[%s]' matched;; esac", () => '[matched]'],
  ];
  for (const [name, template, expected] of contexts) {
    it(name, () => {
      fc.assert(
        fc.property(nasty, (value) => {
          const names: Record<string, string> = template.includes('...') ? { value } : { x: value };
          const filled = fillShell(template, names);
          const out = bash(filled.code, filled.vars);
          expect(out.stdout).toBe(expected(value));
          expect(out.status).toBe(0);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('a value in shell arithmetic must be a number', () => {
    expect(() => fillShell('echo $(( <n> + 1 ))', { n: '1+$(id)' })).toThrow(/whole number/);
    expect(fillShell('echo $(( <n> + 1 ))', { n: '41' }).code).toBe('echo $(( ${RUNBOOK_VALUE_n} + 1 ))');
    // Bash evaluates these as arithmetic too, and arithmetic runs $( ) inside a[…].
    for (const template of ['(( <n> > 1 )) && echo big', '[[ "$count" -gt <n> ]] && echo more', 'let "y = <n> + 1"', 'a[<n>]=1', 'echo "${a[<n>]}"']) {
      expect(() => fillShell(template, { n: 'a[$(touch /tmp/x)]' }), template).toThrow(/whole number/);
      expect(fillShell(template, { n: '7' }).vars).toEqual({ RUNBOOK_VALUE_n: '7' });
    }
    expect(fillShell('[[ <s> == prod ]] && echo prod', { s: 'a[$(id)]' }).code).toBe('[[ "${RUNBOOK_VALUE_s}" == prod ]] && echo prod');
  });
});

describe('SQL placeholders keep the statement shape in every context', () => {
  const shape = async (sql: string) => {
    const parse = await loadSqlParser();
    const tree = await parse(sql);
    // The tree without the values and locations: statement kinds and node types only.
    return JSON.stringify(tree, (key, value) => (key === 'location' || key === 'stmt_len' || key === 'stmt_location' || key === 'sval' || key === 'str' || key === 'relname' ? undefined : value));
  };
  const templates = [
    "select * from jobs where status = '...'",
    "select * from jobs where status = '<s>'",
    "select * from jobs where status like '%<s>%'",
    'select * from jobs where id = <s>',
    'select count(*) from <s>',
    'select 1 -- note <s>',
    'select 1 /* note <s> */',
    'select "<s>" from jobs',
    "select E'<s>'",
  ];
  for (const template of templates) {
    it(template, async () => {
      const reference = await shape(fillSql(template, { s: 'x', status: 'x' }));
      // An identifier cannot be empty (fill refuses it); every other value must fit.
      // A dot in a table name is the schema separator (tested below), so it stays out of that template.
      const values = /from <s>/.test(template) ? nasty.filter((v) => v !== '' && !v.includes('.')) : /"<s>"/.test(template) ? nasty.filter((v) => v !== '') : nasty;
      await fc.assert(
        fc.asyncProperty(values, async (value) => {
          const filled = fillSql(template, { s: value, status: value });
          expect(await shape(filled)).toBe(reference);
        }),
        { numRuns: 80 },
      );
    });
  }

  it("SQL for psql inside a shell command: '<x>' stays one literal after the shell expands it", async () => {
    const template = `printf '%s' "select * from jobs where status = '<x>'" # for psql -c`;
    const expand = (value: string) => {
      const filled = fillShell(template, { x: value });
      return bash(filled.code, filled.vars).stdout;
    };
    const reference = await shape(expand('x'));
    await fc.assert(
      fc.asyncProperty(nasty, async (value) => {
        expect(await shape(expand(value))).toBe(reference);
      }),
      { numRuns: 25 },
    );
  });

  it('an identifier keeps its schema: a.b is two quoted names', () => {
    expect(fillSql('select count(*) from <t>', { t: 'public.jobs' })).toBe('select count(*) from "public"."jobs"');
  });

  it('an empty identifier is refused in one sentence', () => {
    expect(() => fillSql('select count(*) from <t>', { t: 'public.' })).toThrow(/cannot be empty/);
  });

  it('a value inside a $$ body may not carry code', () => {
    expect(() => fillSql("do $$ begin perform '<x>'; end $$", { x: "'; drop table t; --" })).toThrow(/\$\$-quoted body/);
  });
});
