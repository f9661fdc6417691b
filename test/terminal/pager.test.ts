// The pager gets the whole output with escape sequences neutralised, from a private file it never keeps.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pagerCommand, showInPager } from '../../src/terminal/pager.js';

describe('showInPager', () => {
  it('runs $PAGER (with its arguments) on a neutralised copy, then removes it', () => {
    let seen: { command: string; args: string[]; text: string; path: string } | undefined;
    const run = ((command: string, args: string[]) => {
      const path = args.at(-1)!;
      seen = { command, args, text: readFileSync(path, 'utf8'), path };
      return { status: 0 };
    }) as never;
    const error = showInPager('ok\n\u001b]52;c;ZXZpbA==\u0007title\u001b[2J\u001b[31mred\u001b[0m\r\nbell\u0007 done\n\u009b31m', { env: { PAGER: 'less -S' }, run, title: 'step/2.1' });
    expect(error).toBeUndefined();
    expect(seen!.command).toBe('less');
    expect(seen!.args.slice(0, -1)).toEqual(['-S']);
    expect(seen!.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(seen!.text).toContain('red');
    expect(seen!.text.split('\n')[0]).toBe('ok');
    expect(existsSync(seen!.path)).toBe(false);
  });

  it('falls back to less, and says so in one sentence when the pager cannot start', () => {
    expect(pagerCommand({})).toEqual({ command: 'less', args: [] });
    const error = showInPager('x', { env: { PAGER: '/nonexistent/pager', PATH: '/usr/bin' } });
    expect(error).toMatch(/^The pager \(\/nonexistent\/pager\) could not start: .*Set PAGER to one that exists\.$/);
  });
});
