// Every test file runs with its own empty home: sessions, sandboxes, keys and caches land in a
// temporary folder, never under the real user's ~/.local/state or ~/.config.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'runbook-test-home-'));
for (const [name, folder] of [
  ['XDG_STATE_HOME', 'state'],
  ['XDG_CONFIG_HOME', 'config'],
  ['XDG_CACHE_HOME', 'cache'],
  ['XDG_DATA_HOME', 'data'],
] as const) {
  mkdirSync(join(root, folder), { recursive: true });
  process.env[name] = join(root, folder);
}
process.env.HOME = root;
