// Bash reads a variable's value as an arithmetic expression in `(( ))`, `$(( ))`, `$[ ]`, `let`,
// `declare -i`, `[[ … -eq … ]]` and array subscripts, and expands an array subscript inside that
// value again: `COUNT='a[$(touch x)]'` makes `[[ $COUNT -gt 0 ]]` run `touch x`. A value carried
// from an earlier step's output (or typed for a placeholder) could hold one, and the words the
// guard judges never show it, so such a value is refused where bash would do arithmetic.

// `((`/`$((`, `$[`, `let`, `declare -i`, a test's numeric operators, `${a[…]}` and `${s:offset}`.
const ARITHMETIC = /\(\(|\$\[|(?:^|[\s;&|({])let\s|\b(?:declare|typeset|local|readonly|export)\s+-[a-zA-Z]*i|\s-(?:eq|ne|lt|le|gt|ge)\s|\$\{#?!?[A-Za-z_][A-Za-z0-9_]*(?:\[|:[^-=?+])/;
// A subscript with a command substitution in it, anywhere in the value.
const CODE_IN_SUBSCRIPT = /\[[^]*?(?:\$\(|`)/;

/** One sentence when a value would run as code in an arithmetic context of this code, or undefined. */
export function arithmeticInjection(code: string, values: Record<string, string>): string | undefined {
  if (!ARITHMETIC.test(code)) return undefined;
  for (const [name, value] of Object.entries(values)) {
    if (CODE_IN_SUBSCRIPT.test(value)) {
      return `the value of ${name.replace(/^RUNBOOK_VALUE_/, '')} holds a command inside [ ] that bash would run when it reads the value as a number here, so the action is not run`;
    }
  }
  return undefined;
}
