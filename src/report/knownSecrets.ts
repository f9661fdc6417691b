// The report re-reads the runbook for its step labels, and a value the session treated as secret can
// sit in a step's prose, where no token shape finds it. So the report redacts the secrets it can know
// of where it is drawn up: the process environment and the session's environment as configured here.
// (The log never holds them, so a report drawn up elsewhere relies on the patterns alone.)

import { resolveEnvironment } from '../exec/environment.js';
import { buildKnownSecrets } from '../session/secrets.js';

export function secretsWhereDrawnUp(envName: string | undefined, processEnv: NodeJS.ProcessEnv = process.env): string[] {
  let environment: { secrets?: string[]; vars?: Record<string, string | undefined> } | undefined;
  try {
    if (envName && envName !== 'sandbox') environment = resolveEnvironment({ name: envName, processEnv });
  } catch {
    // No such environment here (another machine, another folder): the process environment still counts.
  }
  return buildKnownSecrets({ processEnv, ...(environment ? { environment } : {}) }).values;
}
