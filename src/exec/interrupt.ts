// Nothing keeps running unrecorded. Running actions register here: shell runs their process group,
// every run a recorder. When runbook itself gets SIGTERM or SIGHUP (terminal closed, SSH dropped),
// the handler stops every group (TERM, then KILL), lets each recorder write `interrupted`, and exits.

import { constants } from 'node:os';

const groups = new Set<number>();
const recorders = new Set<(signal: NodeJS.Signals) => void>();

/** A process group that must not outlive runbook; returns its release. */
export function trackProcessGroup(pid: number): () => void {
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Called with the signal before runbook exits on SIGTERM/SIGHUP; returns its release. */
export function onFatalSignal(record: (signal: NodeJS.Signals) => void): () => void {
  recorders.add(record);
  return () => recorders.delete(record);
}

function alive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Stop every tracked group now: SIGTERM, up to graceMs for it to go, then SIGKILL. Synchronous. */
export function stopAllGroups(graceMs = 1_000): void {
  const pids = [...groups];
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) Atomics.wait(pause, 0, 0, 20);
  for (const pid of pids) if (alive(pid)) signalGroup(pid, 'SIGKILL');
  groups.clear();
}

/** Stop every running action's processes and let each record `interrupted`; for handlers that exit themselves. */
export function stopRunningActions(signal: NodeJS.Signals): void {
  stopAllGroups();
  for (const record of [...recorders]) {
    try {
      record(signal);
    } catch {
      // Recording must not keep runbook from stopping.
    }
  }
}

/** Install the SIGTERM/SIGHUP handler (once per process); returns its removal. */
export function installFatalSignalHandlers(options: { exit?: (code: number) => void } = {}): () => void {
  const handler = (signal: NodeJS.Signals) => {
    stopRunningActions(signal);
    (options.exit ?? process.exit)(128 + (constants.signals[signal] ?? 15));
  };
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGHUP', handler);
  };
}
