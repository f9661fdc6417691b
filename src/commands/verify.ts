import { CheckFailedError } from '../errors.js';
import { colorEnabled, makeStyle } from '../format/style.js';
import { resolveSession } from '../session/catalog.js';
import { keyFiles } from '../session/signer.js';
import { verifySession, type VerifyResult } from '../session/verify.js';
import { terminalSafe } from '../format/terminal.js';

export interface VerifyCommandOptions {
  json?: boolean;
  allowedSigners?: string;
  store?: string;
}

export function describeVerification(result: VerifyResult): string[] {
  const style = makeStyle(colorEnabled());
  const lines: string[] = [];
  const id = terminalSafe(result.path.split(/[\\/]/).filter(Boolean).pop() ?? '');
  const state = result.sealed ? 'sealed' : 'NOT SEALED (interrupted or still open)';
  if (result.ok) lines.push(`${style.green('✓')} ${style.bold(id ?? '')}: ${result.sealed ? 'verified' : 'chain intact'}, ${state}`);
  else if (result.firstBadLine !== undefined) lines.push(`${style.red('✗')} ${style.bold(id ?? '')}: line ${result.firstBadLine} is bad: ${terminalSafe(result.reason ?? '')}.`);
  else lines.push(`${style.red('✗')} ${style.bold(id ?? '')}: ${terminalSafe(result.reason ?? '')}.`);
  lines.push(`  ${result.events} events · chain ${result.chainIntact ? 'intact' : 'BROKEN'} · evidence ${result.evidence.checked - result.evidence.bad}/${result.evidence.checked} intact · signature ${result.signature}`);
  if (result.signer) lines.push(`  signed by ${terminalSafe(result.signer)}${result.fingerprint ? ` (${result.fingerprint})` : ''}`);
  if (result.tornBytes) lines.push(`  ${result.tornBytes} bytes after the last complete line (a line being written when the process stopped)`);
  lines.push(`  head ${result.head}`);
  return lines;
}

/** `runbook verify SESSION`: exit 0 when the log can be trusted, 1 when it cannot. */
export async function verifyCommand(ref: string, options: VerifyCommandOptions): Promise<void> {
  if (options.store) return verifyStoreCommand(ref, options as VerifyCommandOptions & { store: string });
  const dir = resolveSession(ref);
  const result = await verifySession(dir, { allowedSigners: options.allowedSigners ?? keyFiles().allowedSigners });
  if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(describeVerification(result).join('\n') + '\n');
  if (!result.ok) throw new CheckFailedError(result.firstBadLine !== undefined ? `verification failed at line ${result.firstBadLine}` : 'verification failed');
}

async function verifyStoreCommand(ref: string, options: VerifyCommandOptions & { store: string }): Promise<void> {
  const { verifyStore } = await import('../store/verifyStore.js');
  let localDir: string | undefined;
  let id = ref;
  try {
    localDir = resolveSession(ref);
    id = localDir.split(/[\\/]/).filter(Boolean).pop()!;
  } catch {
    // Only in the store: verify it alone.
  }
  const result = await verifyStore({ connectionString: options.store }, id, localDir, options.allowedSigners ?? keyFiles().allowedSigners);
  if (options.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else {
    process.stdout.write(['Store:', ...describeVerification(result.store)].join('\n') + '\n');
    if (result.local) process.stdout.write(['Local:', ...describeVerification(result.local)].join('\n') + '\n');
    process.stdout.write(result.differences.length ? `Differences:\n${result.differences.map((d) => `  - ${terminalSafe(d)}`).join('\n')}\n` : result.local ? 'The store and the local log hold the same events.\n' : '');
  }
  if (!result.ok) throw new CheckFailedError(result.differences[0] ?? `the stored copy did not verify${result.store.firstBadLine ? ` (line ${result.store.firstBadLine})` : ''}`);
}
