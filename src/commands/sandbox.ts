// `runbook sandbox create|reset|list|rm NAME|dump FILE|restore FILE --name NAME`.

import { existsSync, rmSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { runbookCommand } from '../format/command.js';
import { DEFAULT_SANDBOX, dumpSandbox, listSandboxes, removeSandbox, restoreSandbox, sandboxDir, startSandbox } from '../sandbox/sandbox.js';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function sandboxCommand(action: string, arg: string | undefined, options: { name?: string }): Promise<void> {
  const name = options.name ?? DEFAULT_SANDBOX;
  const progress = (message: string) => process.stderr.write(`runbook: ${message}\n`);
  switch (action) {
    case 'create':
    case 'reset': {
      const dir = sandboxDir(arg ?? name);
      if (action === 'reset' && existsSync(dir)) removeSandbox(arg ?? name);
      const existed = existsSync(dir);
      const sandbox = await startSandbox(arg ?? name, { onProgress: progress });
      await sandbox.stop();
      say(`${existed ? 'Sandbox exists' : action === 'reset' ? 'Sandbox reset' : 'Sandbox created'}: ${arg ?? name} (${dir}). Use it with --env sandbox, or by default when no database is configured.`);
      return;
    }
    case 'list': {
      const all = listSandboxes();
      if (!all.length) return say(`No sandboxes yet: ${runbookCommand('sandbox create')} (or run any SQL action with no database configured).`);
      for (const s of all) say(`${s.name.padEnd(24)} ${mb(s.sizeBytes).padStart(9)}  ${s.running ? 'running' : 'idle'}  ${s.path}`);
      return;
    }
    case 'rm':
      if (!arg) throw new UsageError('runbook sandbox rm NAME: which sandbox?');
      removeSandbox(arg);
      return say(`Removed the sandbox ${arg}.`);
    case 'dump': {
      if (!arg) throw new UsageError('runbook sandbox dump FILE [--name NAME]: where to write the dump?');
      const bytes = await dumpSandbox(name, arg);
      return say(`Dumped the sandbox ${name} to ${arg} (${mb(bytes)}, gzipped data folder).`);
    }
    case 'restore': {
      if (!arg || !options.name) throw new UsageError('runbook sandbox restore FILE --name NAME: the dump, and the name of the new sandbox.');
      try {
        await restoreSandbox(arg, options.name);
      } catch (error) {
        if (!(error instanceof UsageError)) rmSync(sandboxDir(options.name), { recursive: true, force: true });
        throw error;
      }
      return say(`Restored ${arg} as the sandbox ${options.name}. Query it with: RUNBOOK_SANDBOX=${options.name} ${runbookCommand('exec … --env sandbox')}.`);
    }
    default:
      throw new UsageError(`Unknown sandbox action "${action}": use create, reset, list, rm, dump or restore.`);
  }
}
