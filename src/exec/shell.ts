// The shell runner: bash runs the command in its own process group; stdout and stderr, merged at the
// source so their order is true, stream into an evidence file (redacted) and a bounded display tail.
// Cancel is SIGINT to the whole group, then SIGTERM, then SIGKILL.

import { existsSync } from 'node:fs';
import { execa } from 'execa';
import type { EvidenceWriter } from '../session/evidence.js';
import { trackProcessGroup } from './interrupt.js';
import { OutputTail } from './tail.js';

export const CANCEL_GRACE_MS = { term: 2_000, kill: 3_000 };

// bash itself is found once on the tool's own PATH: an action's environment may not contain it.
const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p)) ?? 'bash';

export interface ShellOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  evidence: EvidenceWriter;
  /** Redacted output as it arrives, for the screen. */
  onOutput?: (chunk: Buffer) => void;
  signal?: AbortSignal;
  graceMs?: { term: number; kill: number };
}

export interface ShellResult {
  exitCode?: number;
  signal?: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  /** The program bash could not find, when that is why it failed. */
  notFound?: string;
  /** One sentence for the operator when the command did not succeed. */
  error?: string;
  tail: OutputTail;
}

const INSTALL_HINTS: Record<string, string> = {
  supabase: 'install the Supabase CLI (npm install -g supabase, or run it with npx supabase)',
  psql: 'install the PostgreSQL client (apt-get install postgresql-client)',
  kubectl: 'install kubectl and point it at the cluster (kubectl config use-context …)',
  terraform: 'install Terraform',
  aws: 'install the AWS CLI',
  'redis-cli': 'install the Redis tools (apt-get install redis-tools)',
  npm: 'install Node.js and npm',
};

export function notFoundHint(program: string): string {
  return `command not found: ${program} — ${INSTALL_HINTS[program] ?? 'check that it is installed and on PATH'}`;
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

export async function runShell(code: string, options: ShellOptions): Promise<ShellResult> {
  const start = performance.now();
  const tail = new OutputTail();
  const grace = options.graceMs ?? CANCEL_GRACE_MS;
  // `exec 2>&1` merges stderr into stdout inside the shell, so the evidence keeps the true order
  // (on the same line, so bash's line numbers in error messages stay the action's own).
  const child = execa(BASH, ['-c', `exec 2>&1; ${code}`], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    stdin: 'ignore',
    stderr: 'ignore',
    buffer: false,
    reject: false,
    detached: true,
    cleanup: true,
  });
  const untrack = child.pid ? trackProcessGroup(child.pid) : () => undefined;
  let timedOut = false;
  let cancelled = false;
  const timers: NodeJS.Timeout[] = [];
  const stop = () => {
    signalGroup(child.pid, 'SIGINT');
    timers.push(setTimeout(() => signalGroup(child.pid, 'SIGTERM'), grace.term).unref());
    timers.push(setTimeout(() => signalGroup(child.pid, 'SIGKILL'), grace.term + grace.kill).unref());
  };
  if (options.timeoutMs > 0) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs).unref(),
    );
  }
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const show = (out: Buffer) => {
    if (out.length) {
      tail.push(out);
      options.onOutput?.(out);
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => show(options.evidence.write(chunk)));
  const result = await child;
  // A last line without a newline is held back by redaction until the output ends.
  show(options.evidence.end());
  for (const t of timers) clearTimeout(t);
  options.signal?.removeEventListener('abort', onAbort);
  // Whatever is left of the group (a background job) goes with the command.
  signalGroup(child.pid, 'SIGKILL');
  untrack();

  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : undefined;
  const signal = result.signal ?? undefined;
  const shellResult: ShellResult = { durationMs: Math.round(performance.now() - start), timedOut, cancelled, tail, ...(exitCode !== undefined ? { exitCode } : {}), ...(signal ? { signal } : {}) };
  if (result.failed && exitCode === undefined && !signal) {
    shellResult.error = `could not start bash: ${result.shortMessage ?? result.message}`;
    return shellResult;
  }
  if (exitCode === 127) {
    const missing = /(?:^|\n)(?:\S*bash: )?(?:line \d+: )?([^\s:]+): command not found/.exec(tail.text());
    if (missing) {
      shellResult.notFound = missing[1]!;
      shellResult.error = notFoundHint(missing[1]!);
    }
  }
  if (timedOut) shellResult.error = `timed out after ${Math.round(options.timeoutMs / 1000)} s and was stopped`;
  else if (cancelled) shellResult.error = 'cancelled by the operator';
  else if (!shellResult.error && signal) shellResult.error = `killed by ${signal}`;
  else if (!shellResult.error && exitCode) shellResult.error = `exited with status ${exitCode}`;
  return shellResult;
}
