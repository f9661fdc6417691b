import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import React from 'react';
import { App } from '../../src/app.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { createAppStore, type AppOptions, type AppStore } from '../../src/state/store.js';
import { SEED } from './cli.js';
import { renderInk, type InkHarness } from './ink.js';
import { freshHome } from './session.js';

export { KEY } from './ink.js';

export interface TuiHarness extends InkHarness {
  store: AppStore;
  home: ReturnType<typeof freshHome>;
  events(): Array<Record<string, unknown>>;
}

export async function renderTui(
  overrides: Partial<AppOptions> & { databaseUrl?: string; file?: string; config?: object; columns?: number; rows?: number } = {},
): Promise<TuiHarness> {
  const home = freshHome();
  const { columns = 120, rows = 30, databaseUrl, file, config, ...options } = overrides;
  if (config) writeFileSync(join(home.root, 'runbook.config.json'), JSON.stringify(config));
  const env = options.env ?? resolveEnvironment({ cwd: home.root, processEnv: { PATH: process.env.PATH, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
  const store = createAppStore({
    loaded: await loadRunbook(file ?? SEED),
    env,
    sessionRoot: join(home.state, 'runbook', 'sessions'),
    signer: { env: home.env },
    cwd: home.root,
    size: { columns, rows },
    ...options,
  });
  const ui = await renderInk(<App store={store} />, { columns, rows });
  return {
    ...ui,
    store,
    home,
    events() {
      const session = store.getState().session;
      if (!session) return [];
      return readFileSync(join(session.dir, 'session.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    },
  };
}
