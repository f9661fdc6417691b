// The first frame comes from a stand-in store (src/state/preview.ts) and is then replaced by the real
// one: the two must draw the same screen, or the swap would flicker or show something untrue.
import { join } from 'node:path';
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { resolveEnvironment } from '../../src/exec/environment.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { createPreviewStore } from '../../src/state/preview.js';
import { createAppStore, type AppOptions } from '../../src/state/store.js';
import { SEED } from '../helpers/cli.js';
import { renderInk, type InkHarness } from '../helpers/ink.js';
import { freshHome } from '../helpers/session.js';

const opened: InkHarness[] = [];
afterEach(() => opened.splice(0).forEach((ui) => ui.unmount()));

async function firstFrames(size: { columns: number; rows: number }, env = resolveEnvironment({ processEnv: { PATH: process.env.PATH } })) {
  const home = freshHome();
  const options: AppOptions = { loaded: await loadRunbook(SEED), env, sessionRoot: join(home.state, 'runbook', 'sessions'), signer: { env: home.env }, cwd: home.root, size };
  const preview = await renderInk(<App store={createPreviewStore({ ...options, env })} keysHeld />, size);
  const real = await renderInk(<App store={createAppStore(options)} />, size);
  opened.push(preview, real);
  await preview.settle();
  await real.settle();
  return { preview: preview.frame(), real: real.frame() };
}

describe('the first frame, drawn before the session controller loads', () => {
  it('is the screen the real store draws, at any size', async () => {
    for (const size of [{ columns: 120, rows: 40 }, { columns: 60, rows: 20 }, { columns: 30, rows: 8 }]) {
      const { preview, real } = await firstFrames(size);
      expect(preview).toContain('Purpose');
      expect(preview).toBe(real);
    }
  });

  it('shows the environment the session will use, protected badge included', async () => {
    const env = { ...resolveEnvironment({ processEnv: { PATH: process.env.PATH } }), name: 'prod', protected: true };
    const { preview, real } = await firstFrames({ columns: 120, rows: 40 }, env);
    expect(preview).toContain('PROD');
    expect(preview).toBe(real);
  });
});
