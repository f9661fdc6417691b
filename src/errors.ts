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
