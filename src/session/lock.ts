// One writer per session: a lock file naming the process that holds it.

import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'session.lock';

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export class SessionLockedError extends Error {
  constructor(readonly holder: LockHolder) {
    super(`this session is open in another runbook process (pid ${holder.pid} on ${holder.host} since ${holder.since})`);
  }
}

/** Whether a process of this host is alive (EPERM: alive, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(dir: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether a live process holds the lock (a lock left by a killed process on this host is stale). */
export function isLockHeld(dir: string): boolean {
  const holder = readLock(dir);
  if (!holder) return false;
  return holder.host !== hostname() || processAlive(holder.pid);
}

export function acquireLock(dir: string): { release(): void; staleHolder?: LockHolder } {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  let staleHolder: LockHolder | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o600 });
      return {
        staleHolder,
        release() {
          if (readLock(dir)?.pid === process.pid) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(dir);
      if (holder && (holder.host !== me.host || processAlive(holder.pid))) throw new SessionLockedError(holder);
      staleHolder = holder;
      try {
        unlinkSync(path);
      } catch {
        // Another process took it over first; the next attempt finds out who.
      }
    }
  }
  throw new SessionLockedError(readLock(dir) ?? me);
}
