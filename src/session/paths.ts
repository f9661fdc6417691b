import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_STATE_HOME/runbook` (default `~/.local/state/runbook`): sessions and sandboxes. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'runbook');
}

export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(stateDir(env), 'sessions');
}

/** `$XDG_CONFIG_HOME/runbook` (default `~/.config/runbook`): the signing key and allowed_signers. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'runbook');
}
