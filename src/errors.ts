// Errors that end a command with one clear sentence and a known exit code (README: exit codes).
import { terminalSafe } from './format/terminal.js';

/** Bad usage or bad input: exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The thing checked is bad (verification failed, an action failed or was refused): exit 1. */
export class CheckFailedError extends Error {
  readonly exitCode = 1;
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof CheckFailedError) return error.exitCode;
  return 1;
}

/** Any thrown value as words: an Error's message, or what a foreign object says, never "[object Object]". */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; code?: unknown; errno?: unknown; name?: unknown; status?: unknown };
    if (typeof e.message === 'string' && e.message) return e.message;
    if (typeof e.code === 'string') return `an operation failed with ${e.code}`;
    if (e.name === 'ErrnoError' && typeof e.errno === 'number') return `a file operation of the embedded database failed (errno ${e.errno})`;
    if (typeof e.status === 'number') return `the embedded database stopped with status ${e.status}`;
    try {
      return `an unexpected error: ${JSON.stringify(error).slice(0, 200)}`;
    } catch {
      return 'an unexpected error';
    }
  }
  return String(error);
}

/** Say what went wrong in one sentence on stderr (the stack only with RUNBOOK_DEBUG); returns the exit code. */
export function reportFatal(error: unknown): number {
  const message = describeError(error);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.stderr.write(terminalSafe(`runbook: ${error instanceof UsageError ? message : `${message}${/[.!?]$/.test(message) ? '' : '.'}`}`) + '\n');
  return exitCodeOf(error);
}
