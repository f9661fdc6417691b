import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding db/migrations, found from this module (bundled into dist/ or run from src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'db', 'migrations'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find db/migrations next to the runbook package');
    dir = parent;
  }
}
