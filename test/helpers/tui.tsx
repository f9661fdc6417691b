import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import React from 'react';
import { App } from '../../src/app.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { createAppStore, type AppOptions, type AppStore } from '../../src/state/store.js';
import { SEED } from './cli.js';
import { freshHome } from './session.js';

export const KEY = { enter: '\r', escape: '\u001b', down: '\u001b[B', up: '\u001b[A', ctrlC: '\u0003' };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TuiHarness {
  store: AppStore;
  home: ReturnType<typeof freshHome>;
  frame(): string;
  /** Type keys one at a time, letting Ink subscribe its input handlers between them (FACTS.md). */
  press(...keys: string[]): Promise<void>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>;
  events(): Array<Record<string, unknown>>;
  unmount(): void;
}

export async function renderTui(overrides: Partial<AppOptions> & { databaseUrl?: string; file?: string; config?: object } = {}): Promise<TuiHarness> {
  const home = freshHome();
  const env = overrides.env ?? resolveEnvironment({ cwd: home.root, processEnv: { PATH: process.env.PATH, ...(overrides.databaseUrl ? { DATABASE_URL: overrides.databaseUrl } : {}) } });
  const store = createAppStore({
    loaded: await loadRunbook(overrides.file ?? SEED),
    env,
    sessionRoot: join(home.state, 'runbook', 'sessions'),
    signer: { env: home.env },
    cwd: home.root,
    size: { columns: 120, rows: 30 },
    ...overrides,
  });
  const ui = render(<App store={store} />);
  await pause(50);
  const frame = () => ui.lastFrame() ?? '';
  return {
    store,
    home,
    frame,
    async press(...keys) {
      for (const key of keys) {
        ui.stdin.write(key);
        await pause(40);
      }
    },
    async waitFor(text, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = frame();
        if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(text)}; the screen shows:\n${current}`);
        await pause(30);
      }
    },
    events() {
      const session = store.getState().session;
      if (!session) return [];
      return readFileSync(join(session.dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    },
    unmount: () => ui.unmount(),
  };
}
