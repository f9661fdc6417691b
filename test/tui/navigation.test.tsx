// Environments, parent steps and the clock: what the operator sees matches what is so.
import { describe, expect, it } from 'vitest';
import { elapsed } from '../../src/components/StatusBar.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { KEY, renderTui } from '../helpers/tui.js';

const incident = { kind: 'incident' as const, id: 'INC-4711', severity: '1' };

describe('the environment picker', () => {
  it('lists every environment with the current one marked and chosen, and the choice can go back', async () => {
    const tui = await renderTui({ env: resolveEnvironment({ name: 'local', processEnv: { PATH: process.env.PATH } }), config: { environments: { staging: {}, local: {} } } });
    await tui.press('e');
    const picker = await tui.waitFor('Environment');
    expect(picker).toMatch(/❯ local {2}\(current\)/);
    expect(picker).toMatch(/^\s*│?\s*sandbox\b/m);
    expect(picker).toContain('staging');
    await tui.press(`${KEY.down}${KEY.enter}`);
    await tui.waitFor('Environment: sandbox.');
    expect(tui.frame().split('\n')[0]).toContain(' SANDBOX ');
    await tui.press('e');
    await tui.waitFor(/❯ sandbox {2}\(current\)/);
    await tui.press(`${KEY.up}${KEY.enter}`);
    await tui.waitFor('Environment: local.');
    expect(tui.frame().split('\n')[0]).toContain('env local');
    tui.unmount();
  });
});

describe('parent steps', () => {
  it('resolve when all their sub-steps are done or skipped', async () => {
    const tui = await renderTui({ purpose: incident });
    await tui.press('/rls\r\r', 'j');
    expect(tui.frame()).toMatch(/○ 2\. Steps/);
    // 2.1, 2.1.1 and 2.2 to 2.4 done, each d moving on to the next.
    await tui.press('j', 'ddddd');
    await tui.waitFor('Step 2.4 marked done.');
    expect(tui.frame()).toMatch(/✓ 2\. Steps/);
    expect(tui.frame()).toContain('6/7');
    tui.unmount();
  });
});

describe('the clock', () => {
  it('is never negative', () => {
    expect(elapsed(-8000)).toBe('0:00');
    expect(elapsed(61_000)).toBe('1:01');
    expect(elapsed(3_661_000)).toBe('1:01:01');
  });
});
