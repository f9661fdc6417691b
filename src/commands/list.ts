import { once } from 'node:events';
import { relative } from 'node:path';
import { renderSummary, renderTree } from '../format/tree.js';
import { colorEnabled, makeStyle } from '../format/style.js';
import { findRunbookFiles, isDirectory, loadRunbook } from '../runbook/load.js';
import { loadRunbooksInBatches } from '../runbook/loadMany.js';
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
  // Written as it is loaded, a batch at a time: memory stays that of one batch whatever the folder's size.
  let listed = 0;
  const write = (text: string) => (out.write(text) ? undefined : once(out, 'drain'));
  await loadRunbooksInBatches(files, async (outcomes) => {
    const runbooks = [];
    for (const outcome of outcomes) {
      if ('loaded' in outcome) runbooks.push({ file: displayPath(outcome.loaded.file), runbook: outcome.loaded.runbook });
      else process.stderr.write(`runbook: skipped: ${outcome.problem}\n`);
    }
    if (!runbooks.length) return;
    // The same text as JSON.stringify of the whole array with an indent of 2, written a batch at a time:
    // a batch's array without its brackets is those elements, indented as in the whole one.
    const chunk = options.json
      ? `${listed ? ',' : '['}\n${JSON.stringify(runbooks.map(({ file, runbook }) => ({ file, ...runbook })), null, 2).slice(2, -2)}`
      : `${listed ? '\n' : ''}${runbooks.map(({ file, runbook }) => renderSummary(runbook, file, style)).join('\n')}`;
    listed += runbooks.length;
    await write(chunk);
  }, { folder: target });
  await write(options.json ? (listed ? '\n]\n' : '[]\n') : '\n');
  if (!listed) throw new UsageError(`None of the ${files.length} Markdown files in ${target} could be read as a runbook.`);
}
