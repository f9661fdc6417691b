import { resolve } from 'node:path';
import { exportSession } from '../archive/pack.js';
import { UsageError } from '../errors.js';
import { runbookCommand } from '../format/command.js';
import { resolveSession } from '../session/catalog.js';

export interface ExportOptions {
  out?: string;
  allowedSigners?: string;
}

/** `runbook export SESSION --out FILE.tar.gz`: a sealed session as an archive a reviewer can check alone. */
export async function exportCommand(ref: string, options: ExportOptions): Promise<void> {
  if (!options.out) throw new UsageError('runbook export SESSION --out FILE.tar.gz: where to write the archive?');
  const dir = resolveSession(ref);
  const result = await exportSession(dir, resolve(options.out), options.allowedSigners ? { allowedSigners: options.allowedSigners } : {});
  const kib = Math.ceil(result.bytes / 1024);
  process.stdout.write(`Exported ${result.id} to ${options.out} (${result.files} files, ${kib} KiB before compression), signed by ${result.signer}.\n`);
  process.stdout.write(`Check it anywhere: ${runbookCommand(`verify ${options.out}`)}\n`);
}
