// What an action's exports come to: the event, what carries, the secrets; and the fold that rebuilds
// carried values on resume.
import { describe, expect, it } from 'vitest';
import { exportsOutcome, isSecretValue } from '../../src/session/carried.js';
import { redactString } from '../../src/session/redact.js';
import { emptyView, foldEvent, viewOf } from '../../src/session/view.js';
import type { SessionEvent } from '../../src/session/events.js';

const redact = (text: string) => redactString(text, { knownSecrets: ['known-env-secret-1'] }).text;
const base = { status: 'ok' as const, carriedNames: [] as string[], redact };

describe('exportsOutcome', () => {
  it('records plain values, hides secret ones (by name, by shape, by anything the redactor changes) and lists them as secrets', () => {
    const out = exportsOutcome({
      ...base,
      changes: {
        set: {
          NS: 'blue',
          DB_PASSWORD: 'short-pw-1',
          REF: 'ghp_Zx8Kq2Lm4Np6Rs8Tv0Wy2Ab4Cd6Ef8Gh0Ij2',
          URL: 'postgres://app:pw-in-url@db/app',
          WITH_KNOWN: 'prefix known-env-secret-1 suffix',
          HEADER: 'Authorization: Bearer abc.def.ghi',
        },
        unset: [],
      },
    });
    expect(out.event!.set).toEqual([
      { name: 'DB_PASSWORD', secret: true },
      { name: 'HEADER', secret: true },
      { name: 'NS', value: 'blue' },
      { name: 'REF', secret: true },
      { name: 'URL', secret: true },
      { name: 'WITH_KNOWN', secret: true },
    ]);
    expect(out.carried).toEqual({ NS: 'blue', DB_PASSWORD: 'short-pw-1', REF: 'ghp_Zx8Kq2Lm4Np6Rs8Tv0Wy2Ab4Cd6Ef8Gh0Ij2', URL: 'postgres://app:pw-in-url@db/app', WITH_KNOWN: 'prefix known-env-secret-1 suffix', HEADER: 'Authorization: Bearer abc.def.ghi' });
    expect(out.secrets.sort()).toEqual(['Authorization: Bearer abc.def.ghi', 'ghp_Zx8Kq2Lm4Np6Rs8Tv0Wy2Ab4Cd6Ef8Gh0Ij2', 'postgres://app:pw-in-url@db/app', 'prefix known-env-secret-1 suffix', 'short-pw-1']);
  });

  it('does not judge ordinary values secret', () => {
    for (const [name, value] of [['NAMESPACE', 'openshift-logging'], ['POD', 'api-7d9f8c6b5-x2k4q'], ['COMMIT', 'a3f5c9e1b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2'], ['MAX_TOKENS', '100'], ['KUBECONFIG', '/home/me/.kube/prod']] as const) {
      expect(isSecretValue(name, value, redact), `${name}=${value}`).toBe(false);
    }
  });

  it('carries nothing from a failed action but records what it exported and its secrets', () => {
    const out = exportsOutcome({ ...base, status: 'failed', message: 'exited with status 1', carriedNames: ['OLD'], changes: { set: { NS: 'half', API_TOKEN: 'tok-123456' }, unset: ['OLD'] } });
    expect(out.carried).toEqual({});
    expect(out.unset).toEqual([]);
    expect(out.secrets).toEqual(['tok-123456']);
    expect(out.event).toEqual({ set: [{ name: 'API_TOKEN', secret: true }, { name: 'NS', value: 'half' }], reason: 'the action did not succeed (exited with status 1): nothing it exported carries' });
  });

  it('says so when the exports could not be read, and records nothing for a failed action that left none', () => {
    expect(exportsOutcome({ ...base, changes: null }).event).toEqual({ set: [], reason: expect.stringMatching(/EXIT trap/) });
    expect(exportsOutcome({ ...base, status: 'cancelled', changes: null }).event).toBeUndefined();
    expect(exportsOutcome({ ...base, changes: { set: {}, unset: ['NOT_CARRIED'] } }).event).toBeUndefined();
  });

  it('records names that never carry with the reason, and a value too long by its size only', () => {
    const out = exportsOutcome({ ...base, changes: { set: { PGHOST: 'other-db', LD_PRELOAD: '/tmp/x.so', BIG: 'x'.repeat(20_000) }, unset: [] } });
    expect(out.carried).toEqual({});
    expect(out.event!.set).toEqual([
      { name: 'BIG', notCarried: expect.stringMatching(/20,000 bytes/) },
      { name: 'LD_PRELOAD', value: '/tmp/x.so', notCarried: expect.stringMatching(/how later commands are run/) },
      { name: 'PGHOST', value: 'other-db', notCarried: expect.stringMatching(/the environment decides/) },
    ]);
  });
});

describe('many exports at once', () => {
  it('carries at most 256 KiB of values from one action; the rest are named without their values', () => {
    const set = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`V${String(i).padStart(2, '0')}`, 'v'.repeat(10_000)]));
    const out = exportsOutcome({ ...base, changes: { set, unset: [] } });
    expect(Object.keys(out.carried)).toHaveLength(26);
    expect(out.event!.set[26]).toEqual({ name: 'V26', notCarried: expect.stringMatching(/more than 256 KiB/) });
    expect(JSON.stringify(out.event).length).toBeLessThan(300 * 1024);
  });
});

describe('the fold of variables events', () => {
  const event = (seq: number, fields: Record<string, unknown>) => ({ seq, ts: `2026-11-25T00:00:0${seq}Z`, type: 'variables', prev: '', section: 's', step: 's/1', action: 's/1#1', run: seq - 1, ...fields }) as unknown as SessionEvent;

  it('rebuilds carried values and origins, forgets unset ones, skips what did not carry, and keeps secret ones without a value', () => {
    const view = viewOf([
      event(1, { set: [{ name: 'NS', value: 'one' }, { name: 'TOKEN_X', secret: true }, { name: 'PATH', value: '/x', notCarried: 'no' }] }),
      event(2, { action: 's/2#1', step: 's/2', set: [{ name: 'NS', value: 'two' }, { name: 'GONE', value: 'g' }], reason: 'the action did not succeed' }),
      event(3, { action: 's/3#1', step: 's/3', set: [{ name: 'NS', value: 'three' }, { name: 'LATER', value: 'l' }] }),
      event(4, { action: 's/4#1', step: 's/4', set: [], unset: ['LATER'] }),
    ]);
    expect({ ...view.carried }).toEqual({
      NS: { value: 'three', from: 's/3#1', step: 's/3', run: 2 },
      TOKEN_X: { secret: true, from: 's/1#1', step: 's/1', run: 0 },
    });
  });

  it('survives damaged events: no set, odd entries, a name like __proto__', () => {
    let view = emptyView();
    for (const fields of [{}, { set: 'x' }, { set: [null, 3, { name: 5 }, { name: 'NOVALUE' }] }, { set: [{ name: '__proto__', value: 'p' }, { name: 'constructor', value: 'c' }] }]) {
      view = foldEvent(view, event(1, fields));
    }
    expect(Object.keys(view.carried).sort()).toEqual(['__proto__', 'constructor']);
    expect(view.carried['constructor']?.value).toBe('c');
  });
});
