// What an action would export, read from its code (for --dry-run and exec's up-front check).
import { describe, expect, it } from 'vitest';
import { namesExportedBy } from '../../src/exec/staticExports.js';

describe('namesExportedBy', () => {
  it.each([
    ['export NAMESPACE=$(oc get ns -o name | cut -d/ -f2)', ['NAMESPACE']],
    ["export K=$(oc get ns -o jsonpath='{.items[0].metadata.name}') L", ['K', 'L']],
    ["export A=1 B='x y' C\nD=2; export -n E", ['A', 'B', 'C']],
    ['declare -x F=3; declare G=4; typeset -rx H=5', ['F', 'H']],
    ['N=1; export N', ['N']],
    ['read -r NAME; export NAME', ['NAME']],
    ['if true; then export IN_IF=1; fi && for i in 1; do export IN_LOOP=$i; done', ['IN_IF', 'IN_LOOP']],
    ['set -a\nH=1\nread -r -p "name? " I J', ['H', 'I', 'J']],
    ['set -o allexport; X=1', ['X']],
  ])('%j → %j', (code, names) => {
    expect(namesExportedBy(code)).toEqual(names);
  });

  it.each([
    ['# export X=1'],
    ['echo export Y=1'],
    ['grep "export Z=" file'],
    ['LOCAL=1; read R'],
    // Never carried, so never predicted.
    ['export PATH=/x BASH_ENV=/e PGOPTIONS=-c RUNBOOK_VALUE_a=1 DATABASE_URL=postgres://h/d LD_PRELOAD=x'],
  ])('%j exports nothing that carries', (code) => {
    expect(namesExportedBy(code)).toEqual([]);
  });

  it('lists names that never carry too when asked (for --dry-run to say why a value is still needed)', () => {
    expect(namesExportedBy('export PATH=/x NS=1 LD_PRELOAD=y', { all: true })).toEqual(['PATH', 'NS', 'LD_PRELOAD']);
  });
});
