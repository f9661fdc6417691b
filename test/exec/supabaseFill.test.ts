// Supabase verb lines: a value is one quoted word, never a second word or a second verb.
import { describe, expect, it } from 'vitest';
import { judgeAction } from '../../src/exec/guard/judge.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { splitWords } from '../../src/exec/supabase/words.js';

const env = resolveEnvironment({ processEnv: { PATH: process.env.PATH } });
const action = { kind: 'supabase' as const, code: 'rls matrix --user email=<customer email> --user email=<other customer email>', line: 1, placeholders: ['customer_email', 'other_customer_email'] };

describe('supabase placeholders', () => {
  it('fill each value as one word, whatever it holds', async () => {
    const verdict = await judgeAction(action, env, { customer_email: "o'brien @x.com", other_customer_email: 'mei@example.com --role service_role' });
    expect(verdict.tier).toBe('read');
    expect(splitWords(verdict.code)).toEqual(['rls', 'matrix', '--user', "email=o'brien @x.com", '--user', 'email=mei@example.com --role service_role']);
  });

  it('refuse a value with a line break, which would start another verb', async () => {
    const verdict = await judgeAction(action, env, { customer_email: 'a@x.com\nstorage buckets', other_customer_email: 'b' });
    expect(verdict.blocked).toMatch(/line break/);
  });
});
