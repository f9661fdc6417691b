// The test setup keeps every test away from the real user's folders.
import { homedir, tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { configDir, sessionsDir, stateDir } from '../../src/session/paths.js';

describe('test setup', () => {
  it('points HOME and the XDG folders at a temporary folder', () => {
    for (const name of ['HOME', 'XDG_STATE_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME']) {
      expect(process.env[name], name).toContain(tmpdir());
    }
    expect(homedir()).toContain(tmpdir());
    expect(stateDir()).toContain(tmpdir());
    expect(sessionsDir()).toContain(tmpdir());
    expect(configDir()).toContain(tmpdir());
  });
});
