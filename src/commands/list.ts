import { relative } from 'node:path';
import { renderSummary, renderTree } from '../format/tree.js';
import { colorEnabled, makeStyle } from '../format/style.js';
import { findRunbookFiles, isDirectory, loadRunbook } from '../runbook/load.js';
import { loadRunbooks } from '../runbook/loadMany.js';
import type { Runbook } from '../runbook/model.js';
import { UsageError } from '../errors.js';

export interface ListOptions {
  json?: boolean;
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** `runbook list FILE|DIR [--json]`: the parsed model as JSON, or a tree for people. */
export async function listCommand(target: string, options: ListOptions, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const style = makeStyle(colorEnabled(out as NodeJS.WriteStream));
  if (!(await isDirectory(target))) {
    const { runbook, file } = await loadRunbook(target);
    for (const warning of runbook.warnings ?? []) process.stderr.write(`runbook: warning: ${displayPath(file)}: ${warning}\n`);
    out.write(options.json ? JSON.stringify(runbook, null, 2) + '\n' : renderTree(runbook, displayPath(file), style));
    return;
  }
  const files = await findRunbookFiles(target);
  const loaded: Array<{ file: string; runbook: Runbook }> = [];
  const problems: string[] = [];
  for (const outcome of await loadRunbooks(files)) {
    if ('loaded' in outcome) loaded.push(outcome.loaded);
    else problems.push(outcome.problem);
  }
  for (const problem of problems) process.stderr.write(`runbook: skipped: ${problem}\n`);
  if (options.json) {
    out.write(JSON.stringify(loaded.map(({ file, runbook }) => ({ file: displayPath(file), ...runbook })), null, 2) + '\n');
  } else {
    out.write(loaded.map(({ file, runbook }) => renderSummary(runbook, displayPath(file), style)).join('\n') + '\n');
  }
  if (!loaded.length) throw new UsageError(`None of the ${files.length} Markdown files in ${target} could be read as a runbook.`);
}
