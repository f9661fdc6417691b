// Starting the TUI: one place that renders the app and waits for it to end. A new session's first frame
// is drawn from a stand-in store (src/state/preview.ts) before the session controller and everything it
// brings in (runners, guards, the log, signing) are loaded; they load right after it, while the operator
// reads the screen, and keys typed meanwhile wait in the terminal for the real store.

import { render, type Instance } from 'ink';
import React from 'react';
import { App } from './app.js';
import { UsageError } from './errors.js';
import { runbookCommand } from './format/command.js';
import { holdKeys } from './holdKeys.js';
import { stopRunningActions } from './exec/interrupt.js';
import { createPreviewStore } from './state/preview.js';
import type { AppOptions, AppStore } from './state/store.js';
import type { SessionController } from './session/controller.js';

export function assertTerminal(): void {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('runbook needs a terminal for its interactive screens; use runbook list FILE to read a runbook, or runbook exec FILE --section ID to run one unattended.');
  }
  holdKeys();
}


// Bracketed paste: the terminal marks pasted text, so a paste is text for a field, never a string of commands.
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';
const pasteOff = () => process.stdout.write(PASTE_OFF);

export async function runTui(options: AppOptions): Promise<void> {
  holdKeys();
  // Keys typed before raw mode began were echoed on the current line: wipe them before the first frame.
  process.stdout.write(`\r\u001b[2K${PASTE_ON}`);
  process.once('exit', pasteOff);
  const renderOptions = { exitOnCtrlC: false, maxFps: 20, patchConsole: true };
  const size = { columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 };
  let instance: Instance | undefined;
  let preview: AppStore | undefined;
  if (!options.controller && !options.resume && options.env) {
    preview = createPreviewStore({ ...options, env: options.env, size });
    instance = render(<App store={preview} keysHeld />, renderOptions);
  }
  let controller: SessionController;
  let store: AppStore;
  try {
    const { createAppStore, createController } = await import('./state/store.js');
    controller = options.controller ?? createController(options);
    store = createAppStore({
      ...options,
      controller,
      writeTerminal: (data) => process.stdout.write(data),
      writeReport: async (dir) => {
        const { writeFileSync } = await import('node:fs');
        const { draftReport, renderMarkdown } = await import('./report/index.js');
        const path = `${dir}/report.md`;
        writeFileSync(path, renderMarkdown(await draftReport(dir), { linkBase: dir }));
        return path;
      },
      size: preview?.getState().size ?? size,
    });
  } catch (error) {
    instance?.unmount();
    throw error;
  }
  // Sessions an earlier run could not mirror go to the team store now, in the background.
  if (controller.env.store) {
    const store = controller.env.store;
    void import('./store/mirror.js').then(({ flushBacklog }) => flushBacklog({ connectionString: store })).catch(() => undefined);
  }
  if (instance) instance.rerender(<App store={store} />);
  else instance = render(<App store={store} />, renderOptions);
  // A terminal closed under us (SIGHUP) leaves the session open for `runbook resume`, recorded as such.
  const hangup = (signal: NodeJS.Signals) => {
    stopRunningActions(signal);
    controller.leave('the terminal was closed');
    process.exit(129);
  };
  process.once('SIGHUP', hangup);
  process.once('SIGTERM', hangup);
  await instance.waitUntilExit();
  pasteOff();
  process.off('exit', pasteOff);
  // Status updates still being posted get a moment, then are given up on (said below, never waited on long).
  await controller.flushUpdates();
  await controller.release();
  process.off('SIGHUP', hangup);
  process.off('SIGTERM', hangup);
  const { summary, session } = store.getState();
  if (summary) process.stdout.write(`Sealed: ${summary.dir}\nVerify: ${summary.verify}\n`);
  else if (session && !session.sealed) process.stdout.write(`Session ${session.id} is open: ${runbookCommand(`resume ${session.id}`)}\n`);
  for (const failure of controller.unrecordedFailures) process.stderr.write(`runbook: ${failure}\n`);
}
