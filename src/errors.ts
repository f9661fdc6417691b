// Errors that end a command with one clear sentence and a known exit code (DESIGN.md "Command line").

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

/** Say what went wrong in one sentence on stderr (the stack only with RUNBOOK_DEBUG); returns the exit code. */
export function reportFatal(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.stderr.write(`runbook: ${error instanceof UsageError ? message : `${message}${/[.!?]$/.test(message) ? '' : '.'}`}\n`);
  return exitCodeOf(error);
}
