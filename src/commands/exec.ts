// `runbook exec`: a section's actions in step order, without a person at the keyboard. Everything
// lands in a session that is sealed at the end; the exit code says whether every action succeeded.

import { UsageError } from '../errors.js';
import { commandVariables, resolveCommandValues, resolveEnvironment, type Environment } from '../exec/environment.js';
import { filledCode, missingValues, type ActionOutcome } from '../exec/run.js';
import { judgeAction } from '../exec/guard/judge.js';
import { installFatalSignalHandlers } from '../exec/interrupt.js';
import { colorEnabled, makeStyle, type Style } from '../format/style.js';
import { formatTable } from '../format/table.js';
import { loadRunbook } from '../runbook/load.js';
import type { Action, Section, Step } from '../runbook/model.js';
import { findSection, SectionNotFoundError } from '../runbook/select.js';
import { allSections, numberedSteps } from '../runbook/walk.js';
import { redactString } from '../session/redact.js';
import { SessionController, type SessionPrompts } from '../session/controller.js';
import type { EventOf } from '../session/events.js';
import { purposeFrom } from '../session/purpose.js';
import { runbookCommand } from '../format/command.js';
import { namesExportedBy } from '../exec/staticExports.js';
import { whyNotCarried } from '../exec/exports.js';
import { isSecretValue, stepAndAction } from '../session/carried.js';
import { VALUE_PREFIX } from '../exec/guard/fill.js';
import { terminalSafe, terminalSafeWriter } from '../format/terminal.js';

export interface ExecOptions {
  section: string;
  env?: string;
  set?: string[];
  allowWrites?: boolean;
  confirm?: string;
  keepGoing?: boolean;
  dryRun?: boolean;
  incident?: string;
  severity?: string;
  title?: string;
  drill?: boolean;
  key?: string;
}

interface PlannedStep {
  section: Section;
  step: Step;
  /** Number for people: 2.1 */
  number: string;
  actions: Array<{ action: Action; id: string }>;
}

/** Where an action's value will come from, as exec and --dry-run say it. */
export type ValueOrigin = { from: 'set' } | { from: 'environment' } | { from: 'step'; step: string; action: number };

/**
 * For each action of the plan, where each value it needs comes from: an earlier action that exports it
 * (found by reading its code: nothing runs), --set, or the environment; missing when none.
 * An earlier export comes first: at run time the latest assignment wins, as in a terminal.
 */
export function planOrigins(plan: PlannedStep[], env: Environment, values: Record<string, string>): Map<string, { origins: Record<string, ValueOrigin>; missing: string[]; uncarried: Record<string, string> }> {
  const exportedBy = new Map<string, ValueOrigin>();
  // Names an earlier action exports that never carry (BASH_ENV, PGHOST …): said beside `needs:`.
  const uncarriedBy = new Map<string, string>();
  const out = new Map<string, { origins: Record<string, ValueOrigin>; missing: string[]; uncarried: Record<string, string> }>();
  for (const { number, actions } of plan) {
    actions.forEach(({ action, id }, i) => {
      const origins: Record<string, ValueOrigin> = {};
      const missing: string[] = [];
      const uncarried: Record<string, string> = {};
      const needed = action.kind === 'url' ? [] : [...new Set([...action.placeholders, ...(action.env ?? [])])];
      for (const name of needed) {
        const origin = exportedBy.get(name) ?? (Object.hasOwn(values, name) ? { from: 'set' as const } : action.env?.includes(name) && env.vars[name] !== undefined ? { from: 'environment' as const } : undefined);
        if (origin) origins[name] = origin;
        else missing.push(name);
        if (!origin && uncarriedBy.has(name)) uncarried[name] = uncarriedBy.get(name)!;
      }
      out.set(id, { origins, missing, uncarried });
      if (action.kind !== 'shell') return;
      for (const name of namesExportedBy(action.code)) exportedBy.set(name, { from: 'step', step: number, action: i + 1 });
      for (const name of namesExportedBy(action.code, { all: true })) {
        const why = whyNotCarried(name, '');
        if (why) uncarriedBy.set(name, `step ${number} (action ${i + 1}) exports ${name}, but it never carries: ${why}`);
      }
    });
  }
  return out;
}

function originText(origin: ValueOrigin): string {
  return origin.from === 'set' ? '--set' : origin.from === 'environment' ? 'environment' : `set by step ${origin.step} (action ${origin.action})`;
}

function parseSets(sets: string[] = []): Record<string, string> {
  // No prototype: `constructor` or `toString` is missing until --set gives it.
  const values = Object.create(null) as Record<string, string>;
  for (const item of sets) {
    const at = item.indexOf('=');
    if (at <= 0) throw new UsageError(`--set expects key=value, got "${item}".`);
    values[item.slice(0, at)] = item.slice(at + 1);
  }
  return values;
}

/** The section's steps (and its sub-sections'), in document order, with their runnable actions. */
export function planSection(section: Section): PlannedStep[] {
  const plan: PlannedStep[] = [];
  for (const current of allSections({ title: '', sections: [section] })) {
    for (const { step, number } of numberedSteps(current.steps)) {
      plan.push({ section: current, step, number, actions: step.actions.filter((a) => a.kind !== 'url').map((action, i) => ({ action, id: `${step.id}#${i + 1}` })) });
    }
  }
  return plan;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => by + l).join('\n');
}

async function printPlan(plan: PlannedStep[], env: Environment, values: Record<string, string>, style: Style): Promise<void> {
  const planned = planOrigins(plan, env, values);
  for (const { step, number, actions } of plan) {
    process.stdout.write(`${style.bold(number)} ${terminalSafe(redactString(firstLine(step.text)).text)}\n`);
    if (!actions.length) process.stdout.write(style.dim('   manual step: exec records it as skipped\n'));
    for (const { action, id } of actions) {
      const { origins, missing: notGiven, uncarried } = planned.get(id) ?? { origins: {}, missing: [], uncarried: {} };
      const missing = missingValues(action, env, values);
      // A value an earlier action would export is not known until it runs: judged then.
      const later = Object.entries(origins).filter(([, o]) => o.from === 'step').map(([name]) => name);
      const verdict = missing.length || later.length ? undefined : await judgeAction(action, env, values);
      const code = verdict ? verdict.code : action.code;
      process.stdout.write(`   ${style.cyan(action.kind)} ${indent(terminalSafe(redactString(code).text), '   ').trimStart()}\n`);
      for (const [name, value] of Object.entries(verdict?.vars ?? {})) process.stdout.write(style.dim(`   with ${name}=${terminalSafe(redactString(JSON.stringify(value)).text)}\n`));
      for (const [name, origin] of Object.entries(origins)) {
        // Only a --set value is shown, and never a secret one; the environment's values stay unprinted.
        const given = origin.from === 'set' ? values[name]! : undefined;
        const shown = given === undefined ? '' : isSecretValue(name, given, (t) => redactString(t).text) ? ' (hidden)' : `=${terminalSafe(JSON.stringify(given))}`;
        process.stdout.write(style.dim(`   ${name}${shown} (${originText(origin)}${origin.from === 'step' ? ', found by reading its code; nothing runs in a dry run' : ''})\n`));
      }
      if (notGiven.length) process.stdout.write(`   ${style.yellow(`needs: ${notGiven.join(', ')}`)}\n`);
      for (const why of Object.values(uncarried)) process.stdout.write(style.dim(`   ${why}\n`));
      if (later.length && !notGiven.length) process.stdout.write(style.dim(`   judged when it runs, once ${later.join(', ')} ${later.length > 1 ? 'are' : 'is'} set\n`));
      if (verdict) process.stdout.write(`   ${verdict.tier === 'read' ? style.green('read') : verdict.tier === 'write' ? style.red('write') : style.yellow('unknown')}${verdict.reasons.length ? `: ${redactString(verdict.reasons.join('; ')).text}` : ''}${verdict.tier === 'write' || (verdict.tier === 'unknown' && env.protected) ? style.red(' · needs permission') : ''}\n`);
    }
  }
}

export async function execCommand(file: string, options: ExecOptions): Promise<number> {
  const style = makeStyle(colorEnabled());
  const { runbook, bytes } = await loadRunbook(file);
  let section: Section;
  try {
    section = findSection(runbook, options.section);
  } catch (error) {
    if (error instanceof SectionNotFoundError) throw new UsageError(error.message);
    throw error;
  }
  const env = resolveEnvironment({ ...(options.env ? { name: options.env } : {}) });
  if (options.confirm && options.confirm !== env.name) throw new UsageError(`--confirm ${options.confirm} does not match the environment, ${env.name}.`);
  const values = parseSets(options.set);
  // Values checked up front but absent when their action ran: an earlier step did not export them after all.
  const unexported: string[] = [];
  const controller = new SessionController({
    env,
    purpose: purposeFrom(options) ?? { kind: 'routine' },
    values,
    prompts: flagPrompts(options, (name) => unexported.push(name)),
    ...(options.key ? { signer: { keyPath: options.key } } : {}),
    onProgress: (message) => process.stderr.write(`runbook: ${message}\n`),
  });
  controller.useRunbook({ file, runbook, bytes });
  // The sandbox starts when the first action that needs a database runs (controller.run → prepare).
  // Values from a secret manager are fetched now: a failing command stops before any session starts.
  if (!options.dryRun && env.fromCommands) await resolveCommandValues(env);
  const plan = planSection(section);
  // A dry run fetches no credentials: what a command would give is not missing.
  const fromCommands = new Set(options.dryRun ? commandVariables(env) : []);
  // A value an earlier action of the section exports (export NAMESPACE=…) is not asked for.
  const planned = planOrigins(plan, env, values);
  const missing = [...new Set([...planned.values()].flatMap((p) => p.missing))].filter((name) => !fromCommands.has(name));

  if (options.dryRun) {
    process.stdout.write(`${style.bold(`Dry run: ${terminalSafe(section.title)}`)} · env ${env.name}${env.protected ? style.red(' (protected)') : ''} · nothing is run\n\n`);
    await printPlan(plan, env, values, style);
    if (missing.length) throw new UsageError(`Missing value${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}: pass --set ${missing.map((m) => `${m}=…`).join(' --set ')}.`);
    return 0;
  }
  if (missing.length) throw new UsageError(`Missing value${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}: pass --set ${missing.map((m) => `${m}=…`).join(' --set ')}.`);

  // The runbook changed since the last session on it: say what, before anything runs.
  const changes = controller.runbookChanges();
  if (changes) process.stderr.write(changes.lines.map((l) => `runbook: ${terminalSafe(l)}\n`).join(''));
  const { session, createdKey } = (await controller.ensureSession(section))!;
  if (createdKey) process.stderr.write(`runbook: created a signing key for ${createdKey.identity} at ${createdKey.key} (trusted in ${createdKey.allowedSigners}).\n`);

  process.stdout.write(`${style.bold(`runbook exec · ${terminalSafe(section.title)}`)} · env ${env.name}${env.protected ? style.red(' PROTECTED') : ''}${env.sandbox ? style.yellow(' SANDBOX (an embedded database on this machine)') : ''} · session ${session.id}\n`);
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    abort.abort();
  };
  process.on('SIGINT', onSigint);
  installFatalSignalHandlers();

  let failures = 0;
  let stopped = false;
  let shownEarly = false;
  try {
    for (const { section: stepSection, step, number, actions } of plan) {
      process.stdout.write(`\n${style.bold(number)} ${terminalSafe(session.redact(firstLine(step.text)).text)}\n`);
      if (stopped) {
        controller.mark(stepSection, step, 'skipped', 'not reached: an earlier action failed');
        process.stdout.write(style.dim('   not reached\n'));
        continue;
      }
      if (!actions.length) {
        controller.mark(stepSection, step, 'skipped', 'manual step: runbook exec runs only commands and queries');
        process.stdout.write(style.dim('   manual step, skipped\n'));
        continue;
      }
      let stepFailed = false;
      for (const { action, id } of actions) {
        // A command's output is shown terminal-safe: it cannot retitle the window or write the clipboard.
        const output = terminalSafeWriter((text) => process.stdout.write(text));
        let outputEndsLine = true;
        // The code as it will run (shell values travel in the environment), then where each value comes from.
        process.stdout.write(`   ${style.cyan(action.kind)} ${indent(terminalSafe(session.redact(filledCode(action, controller.values())).text), '   ').trimStart()}\n`);
        for (const line of valueLines(controller, action, stepSection.id)) process.stdout.write(style.dim(`   ${terminalSafe(session.redact(line).text)}\n`));
        const result = await controller.run({
          section: stepSection, step, action, actionId: id, signal: abort.signal,
          onOutput: (chunk) => {
            output.write(chunk);
            outputEndsLine = chunk[chunk.length - 1] === 0x0a;
          },
          onFirstPage: ({ columns, page }) => {
            shownEarly = true;
            process.stdout.write(indent(formatTable(columns, page).join('\n'), '   ') + '\n');
          },
        });
        output.end();
        // Output whose last line has no newline must not run into the verdict.
        if (!outputEndsLine) process.stdout.write('\n');
        const outcome: ActionOutcome | undefined = result.ran ? result.outcome : undefined;
        if (outcome) reportOutcome(outcome, style, shownEarly);
        else process.stdout.write(style.red(`   ✗ ${terminalSafe(result.ran ? '' : result.message)}${!result.ran && result.why === 'no-value' && unexported.length ? ` An earlier step was expected to export ${unexported.at(-1)} and did not carry it (see what it exported above); pass --set ${unexported.at(-1)}=… to give it.` : ''}\n`));
        if (result.ran && result.variables) process.stdout.write(style.dim(`${exportedLines(result.variables).map((l) => `   ${terminalSafe(l)}`).join('\n')}\n`));
        shownEarly = false;
        if (outcome?.status !== 'ok') {
          stepFailed = true;
          failures++;
          if (!options.keepGoing || outcome?.status === 'cancelled') break;
        }
      }
      controller.mark(stepSection, step, stepFailed ? 'failed' : 'done');
      if (stepFailed && (!options.keepGoing || interrupted)) stopped = true;
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (interrupted) controller.interrupted('Ctrl-C: the running action was cancelled');
  await controller.seal();
  // Status updates go out in the background; the last one (the seal) gets a moment before exit.
  await controller.flushUpdates();
  for (const failure of controller.unrecordedFailures) process.stderr.write(`runbook: ${terminalSafe(failure)}\n`);
  const mirrored = await controller.closeMirror();
  if (mirrored) process.stdout.write((mirrored.ok ? style.dim : mirrored.conflict ? style.red : style.yellow)(`${mirrored.message}\n`));
  const conflict = mirrored?.conflict === true;
  const verdict = failures ? style.red(`${failures} action${failures > 1 ? 's' : ''} did not succeed.`) : conflict ? style.red('Every action succeeded, but the team store holds another record of this session.') : style.green('Every action succeeded.');
  process.stdout.write(`\n${verdict} Sealed session: ${session.dir}\n`);
  process.stdout.write(style.dim(`Verify: ${runbookCommand(`verify ${session.id}`)}\n`));
  await controller.release();
  return interrupted ? 130 : failures || conflict ? 1 : 0;
}

/** `NAME="value" (origin)` for each value an action gets; a secret one only by name. */
export function valueLines(controller: SessionController, action: Action, sectionId?: string): string[] {
  if (action.kind === 'url') return [];
  const values = controller.values();
  const lines: string[] = [];
  for (const name of [...new Set([...action.placeholders, ...(action.env ?? [])])]) {
    const source = controller.valueSource(name, action);
    if (!source) continue;
    const value = values[name];
    const secret = source.from !== 'environment' && source.secret;
    const origin = source.from === 'step' ? `set by ${stepAndAction(source.actionId, sectionId)}` : source.from === 'given' || source.from === 'typed' ? '--set' : 'environment';
    const shown = source.from === 'environment' ? '' : secret || value === undefined ? ' (secret, hidden)' : `=${JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)}`;
    const asVariable = action.kind === 'shell' && action.placeholders.includes(name) ? `; in the command as $${VALUE_PREFIX}${name}` : '';
    lines.push(`${name}${shown} (${origin}${asVariable})`);
  }
  return lines;
}

/** What an action exported, as the log has it (secret values only named), for the operator to read. */
export function exportedLines(event: EventOf<'variables'>): string[] {
  const lines = event.set.map((v) => `exported ${v.name}${v.secret ? ' (secret, hidden)' : v.value !== undefined ? `=${JSON.stringify(v.value.length > 200 ? `${v.value.slice(0, 200)}…` : v.value)}` : ''}${v.notCarried ? ` · not carried: ${v.notCarried}` : ''}`);
  if (event.unset?.length) lines.push(`unset ${event.unset.join(', ')}`);
  if (event.reason) lines.push(`not carried to later steps: ${event.reason}`);
  return lines;
}

/** exec's answers to what the controller asks: everything comes from the flags, nobody is asked. */
function flagPrompts(options: ExecOptions, notGiven: (name: string) => void): SessionPrompts {
  return {
    purpose: async () => purposeFrom(options) ?? { kind: 'routine' },
    // Every value was checked up front; one still missing is not run.
    value: async ({ name }) => {
      notGiven(name);
      return undefined;
    },
    confirmEnvironment: async (env) => (options.confirm === env.name ? { given: true, via: '--confirm' } : { given: false, asked: false }),
    confirmWrite: async () => (options.allowWrites ? { given: true, via: '--allow-writes' } : { given: false, asked: false }),
  };
}

/** The outcome of an action; a result's first page may already be on screen (`pageShown`). */
function reportOutcome(outcome: ActionOutcome, style: Style, pageShown = false): void {
  const sql = outcome.sql;
  if (sql) {
    for (const statement of sql.statements) {
      if (statement.columns.length) {
        if (!pageShown) process.stdout.write(indent(formatTable(statement.columns, statement.page).join('\n'), '   ') + '\n');
        const more = statement.rowCount - statement.page.length;
        process.stdout.write(style.dim(`   ${statement.rowCount} row${statement.rowCount === 1 ? '' : 's'}${more > 0 ? ` (${more} more in the evidence file)` : ''} · ${statement.durationMs} ms\n`));
      } else {
        process.stdout.write(style.dim(`   ${statement.command ?? 'OK'} ${statement.rowCount} · ${statement.durationMs} ms\n`));
      }
    }
    for (const notice of sql.notices) process.stdout.write(style.dim(`   ${terminalSafe(redactString(notice).text)}\n`));
  }
  if (outcome.supabase) for (const line of outcome.supabase.summary) process.stdout.write(`   ${terminalSafe(line)}\n`);
  if (outcome.status === 'ok') process.stdout.write(style.green(`   ✓ done${outcome.shell ? ` · exit 0 · ${outcome.shell.durationMs} ms` : ''}\n`));
  else if (outcome.status === 'refused') process.stdout.write(style.red(`   ✗ refused: ${terminalSafe(outcome.message ?? '')}\n`));
  else process.stdout.write(style.red(`   ✗ ${outcome.status}: ${terminalSafe(outcome.message ?? '')}\n`));
}
