// The one fold of a session log: immutable, and the same answers for the TUI, the report and watch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRecord } from '../../src/session/chain.js';
import { emptyView, foldEvent, viewOf, type SessionView } from '../../src/session/view.js';
import { describeEvent, describeProgress } from '../../src/store/follow.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

let seq = 0;
const ev = (type: string, fields: Record<string, unknown> = {}): EventRecord => ({ seq: seq++, ts: `2026-01-01T00:00:${String(seq).padStart(2, '0')}Z`, type, prev: '', ...fields });
const where = { runbook: 'r.md', section: 's' };

function sampleLog(): EventRecord[] {
  seq = 0;
  return [
    ev('started', { env: 'dev', purpose: { kind: 'drill' } }),
    ev('placeholder', { ...where, step: 's/1', name: 'table', value: 'users' }),
    ev('placeholder', { ...where, step: 's/1', name: 'api_token', value: 'set', secret: true }),
    ev('action.started', { ...where, step: 's/1', action: 's/1#1', kind: 'sql', code: 'select 1' }),
    ev('action.output', { ...where, step: 's/1', action: 's/1#1', run: 3, columns: ['a'], rows: 1, command: 'SELECT' }),
    ev('action.finished', { ...where, step: 's/1', action: 's/1#1', run: 3, status: 'ok', rows: 1, durationMs: 4 }),
    ev('step', { ...where, step: 's/1', status: 'done' }),
    ev('environment', { env: 'prod' }),
    ev('action.refused', { ...where, step: 's/2', action: 's/2#1', kind: 'sql', code: 'delete from t', reason: 'no' }),
    ev('note', { ...where, step: 's/2', text: 'looked' }),
    ev('attachment', { ...where, step: 's/2', name: 'pasted text', kind: 'text', evidence: { sha256: 'ab', bytes: 1 } }),
    ev('action.started', { ...where, step: 's/3', action: 's/3#1', kind: 'shell', code: 'sleep 9' }),
    ev('future.kind', { step: 's/3' }),
    ev('resumed', { host: 'h' }),
    ev('step', { ...where, step: 's/2', status: 'skipped', reason: 'not needed' }),
    ev('sealed', { signer: 'dana' }),
  ];
}

describe('the fold', () => {
  it('never changes the events or the view it is given', () => {
    const events = sampleLog().map(deepFreeze);
    let view: SessionView = deepFreeze(emptyView());
    const seen: SessionView[] = [];
    for (const event of events) {
      const before = JSON.stringify(view);
      const next = foldEvent(view, event);
      expect(JSON.stringify(view)).toBe(before);
      expect(next).not.toBe(view);
      seen.push(next);
      view = deepFreeze(next);
    }
    // Every intermediate view is still what it was when it was made.
    expect(seen[3]!.runs[0]!.status).toBe('running');
    expect(seen[3]!.steps['s/1']!.state).toBe('running');
  });

  it('says what each step, run, note, value and environment came to', () => {
    const view = viewOf(sampleLog());
    expect(view.values).toEqual({ table: 'users' });
    expect(view.values.constructor).toBeUndefined();
    expect(view.secretNames).toEqual(['api_token']);
    expect(view.runs.map((r) => [r.action, r.status])).toEqual([['s/1#1', 'ok'], ['s/2#1', 'refused'], ['s/3#1', 'interrupted']]);
    expect(view.runs[0]!.outputs).toEqual([{ columns: ['a'], rows: 1, command: 'SELECT' }]);
    expect(view.marks).toEqual({ 's/1': { status: 'done', at: expect.any(String) }, 's/2': { status: 'skipped', at: expect.any(String), reason: 'not needed' } });
    expect(view.steps['s/3']).toMatchObject({ state: 'pending' });
    expect(view.doneOrder).toEqual(['s/1']);
    expect(Object.keys(view.firstSeen)).toEqual(['s/1', 's/2', 's/3']);
    expect([view.env, view.envs]).toEqual(['prod', ['dev', 'prod']]);
    expect(view.notes).toMatchObject([{ text: 'looked', step: 's/2' }]);
    expect(view.attachments).toMatchObject([{ name: 'pasted text', step: 's/2' }]);
    expect(view).toMatchObject({ sealed: true, events: 16, lastStep: 's/2' });
  });

  it('survives damaged fields instead of throwing, as a log read from disk may have them', () => {
    seq = 0;
    const junk = [
      ev('started', { env: 42 }),
      ev('placeholder', { name: { not: 'a string' } }),
      ev('action.output', { run: 'nope' }),
      ev('action.finished', { run: 99, status: 'ok' }),
      ev('step', { status: 'done' }),
      ev('note', {}),
    ];
    const view = viewOf(junk);
    expect(view).toMatchObject({ values: {}, runs: [], marks: {}, events: 6 });
    expect(view.env).toBeUndefined();
    expect(view.notes).toEqual([{ seq: 5, ts: expect.any(String), text: '' }]);
  });

  it('gives watch its progress line from the same view', () => {
    const view = viewOf(sampleLog());
    expect(describeProgress(view)).toBe('1 done · 1 skipped · 0 failed · 2 actions · env prod · sealed');
    expect(describeEvent(sampleLog()[5]!)).toBe('s/1: → ok, 1 rows');
    expect(describeEvent(sampleLog()[12]!)).toBe('s/3: future.kind');
  });

  it('folds a whole log to the same view as folding one event at a time, junk and all', () => {
    const steps = fc.constantFrom('s/1', 's/2', '__proto__', 'constructor', undefined, 7);
    const event = fc.record({
      type: fc.constantFrom('started', 'environment', 'step', 'note', 'placeholder', 'attachment', 'action.started', 'action.output', 'action.finished', 'action.refused', 'interrupted', 'resumed', 'sealed', 'escalated', 'severity', 'future.kind'),
      step: steps,
      status: fc.constantFrom('done', 'skipped', 'failed', 'pending', 'running', 'ok', undefined),
      run: fc.oneof(fc.nat(30), fc.constant('nope')),
      name: fc.constantFrom('table', '__proto__', 'toString', undefined),
      secret: fc.boolean(),
      env: fc.constantFrom('dev', 'prod', 'dev', 42, undefined),
      reason: fc.constantFrom('why', undefined),
      level: fc.constantFrom('L2', undefined),
      to: fc.constantFrom('1', undefined),
      evidence: fc.constantFrom({ sha256: 'ab', size: 1 }, undefined),
    }, { requiredKeys: ['type'] });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (drafts) => {
        const events = drafts.map((fields, i) => ({ ...fields, seq: i, ts: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`, prev: '' }) as EventRecord);
        const oneByOne = events.reduce(foldEvent, emptyView());
        const whole = viewOf(events);
        expect(whole).toEqual(oneByOne);
        expect(JSON.stringify(whole)).toBe(JSON.stringify(oneByOne));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a step named __proto__ as a step, not as the prototype of the view', () => {
    seq = 0;
    const view = viewOf([ev('started'), ev('action.started', { step: '__proto__', action: 'x', kind: 'shell', code: 'ls' }), ev('step', { step: '__proto__', status: 'done' })]);
    expect(Object.getPrototypeOf(view.steps)).toBe(Object.prototype);
    expect(Object.hasOwn(view.steps, '__proto__')).toBe(true);
    expect(view.marks['__proto__']).toMatchObject({ status: 'done' });
  });
});
