// The floors of `list DIR`: every runbook of a folder read synchronously, and parsed, inside one
// process already started (node's start-up and module loading are not in the figure). Prints ms.
// Usage (bundled by list.bench.mjs): node parse-folder.mjs DIR read|parse
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../src/runbook/parse.js';

const [dir, mode] = process.argv.slice(2) as [string, 'read' | 'parse'];
const files: string[] = [];
const visit = (folder: string) => {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) visit(path);
    else if (entry.name.endsWith('.md')) files.push(path);
  }
};
const start = performance.now();
visit(dir);
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  if (mode === 'parse') parseRunbook(text, { fileName: file });
}
console.log((performance.now() - start).toFixed(2));
