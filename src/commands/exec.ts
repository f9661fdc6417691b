// `runbook exec`: a section's actions in step order, without a person at the keyboard. Everything
// lands in a session that is sealed at the end; the exit code says whether every action succeeded.

import { UsageError } from '../errors.js';
import { prepareEnvironment, releaseEnvironment, resolveEnvironment, type Environment } from '../exec/environment.js';
import { filledCode, missingValues, runAction, type ActionOutcome } from '../exec/run.js';
import { judgeAction } from '../exec/guard/judge.js';
import { installFatalSignalHandlers } from '../exec/interrupt.js';
import { colorEnabled, makeStyle, type Style } from '../format/style.js';
import { formatTable } from '../format/table.js';
import { loadRunbook } from '../runbook/load.js';
import type { Action, Section, Step } from '../runbook/model.js';
import { findSection, SectionNotFoundError } from '../runbook/select.js';
import { allSections, numberedSteps } from '../runbook/walk.js';
import { redactString } from '../session/redact.js';
import { Session, type Purpose } from '../session/session.js';
import { loadSigner } from '../session/signer.js';

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

function parseSets(sets: string[] = []): Record<string, string> {
  const values: Record<string, string> = {};
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

function purposeFrom(options: ExecOptions): Purpose {
  if (options.incident) return { kind: 'incident', id: options.incident, ...(options.title ? { title: options.title } : {}), ...(options.severity ? { severity: options.severity } : {}) };
  if (options.drill) return { kind: 'drill', ...(options.title ? { title: options.title } : {}) };
  return { kind: 'routine', ...(options.title ? { title: options.title } : {}) };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => by + l).join('\n');
}

async function printPlan(plan: PlannedStep[], env: Environment, values: Record<string, string>, style: Style): Promise<void> {
  for (const { step, number, actions } of plan) {
    process.stdout.write(`${style.bold(number)} ${redactString(firstLine(step.text)).text}\n`);
    if (!actions.length) process.stdout.write(style.dim('   manual step: exec records it as skipped\n'));
    for (const { action } of actions) {
      const missing = missingValues(action, env, values);
      const verdict = missing.length ? undefined : await judgeAction(action, env, values);
      const code = verdict ? verdict.code : action.code;
      process.stdout.write(`   ${style.cyan(action.kind)} ${indent(redactString(code).text, '   ').trimStart()}\n`);
      for (const [name, value] of Object.entries(verdict?.vars ?? {})) process.stdout.write(style.dim(`   with ${name}=${redactString(JSON.stringify(value)).text}\n`));
      if (missing.length) process.stdout.write(`   ${style.yellow(`needs: ${missing.join(', ')}`)}\n`);
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
  if (env.sandbox && !options.dryRun) await prepareEnvironment(env, (message) => process.stderr.write(`runbook: ${message}\n`));
  if (options.confirm && options.confirm !== env.name) throw new UsageError(`--confirm ${options.confirm} does not match the environment, ${env.name}.`);
  const values = parseSets(options.set);
  const plan = planSection(section);
  const missing = [...new Set(plan.flatMap((p) => p.actions.flatMap(({ action }) => missingValues(action, env, values))))];

  if (options.dryRun) {
    process.stdout.write(`${style.bold(`Dry run: ${section.title}`)} · env ${env.name}${env.protected ? style.red(' (protected)') : ''} · nothing is run\n\n`);
    await printPlan(plan, env, values, style);
    if (missing.length) throw new UsageError(`Missing value${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}: pass --set ${missing.map((m) => `${m}=…`).join(' --set ')}.`);
    return 0;
  }
  if (missing.length) throw new UsageError(`Missing value${missing.length > 1 ? 's' : ''} for ${missing.join(', ')}: pass --set ${missing.map((m) => `${m}=…`).join(' --set ')}.`);

  const keyPath = options.key ?? env.signingKey;
  const { signer, created } = loadSigner({ create: true, ...(keyPath ? { keyPath } : {}) });
  if (created) process.stderr.write(`runbook: created a signing key for ${created.identity} at ${created.files.key} (trusted in ${created.files.allowedSigners}).\n`);
  const session = Session.start({
    runbook: { path: file, bytes, title: runbook.title },
    section: { id: section.id, title: section.title },
    env: env.name,
    purpose: purposeFrom(options),
    secrets: env.secrets,
  });
  const mirror = env.store ? await startMirror(env.store, session) : undefined;
  const permissions = { environmentConfirmed: !env.protected || options.confirm === env.name, allowWrites: Boolean(options.allowWrites) };
  if (env.protected && permissions.environmentConfirmed) session.record('confirmed', { what: 'environment', env: env.name, via: '--confirm' });
  for (const [name, value] of Object.entries(values)) session.setPlaceholder({ section: section.id }, name, value, /pass|token|secret|key/i.test(name));

  process.stdout.write(`${style.bold(`runbook exec · ${section.title}`)} · env ${env.name}${env.protected ? style.red(' PROTECTED') : ''}${env.sandbox ? style.yellow(' SANDBOX (an embedded database on this machine)') : ''} · session ${session.id}\n`);
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  installFatalSignalHandlers();

  let failures = 0;
  let stopped = false;
  let shownEarly = false;
  try {
    for (const { section: stepSection, step, number, actions } of plan) {
      const where = { runbook: file, section: stepSection.id, step: step.id };
      process.stdout.write(`\n${style.bold(number)} ${session.redact(firstLine(step.text)).text}\n`);
      if (stopped) {
        session.setStepStatus(where, 'skipped', 'not reached: an earlier action failed');
        process.stdout.write(style.dim('   not reached\n'));
        continue;
      }
      if (!actions.length) {
        session.setStepStatus(where, 'skipped', 'manual step: runbook exec runs only commands and queries');
        process.stdout.write(style.dim('   manual step, skipped\n'));
        continue;
      }
      let stepFailed = false;
      for (const { action, id } of actions) {
        process.stdout.write(`   ${style.cyan(action.kind)} ${indent(session.redact(filledCode(action, values)).text, '   ').trimStart()}\n`);
        const outcome: ActionOutcome = await runAction(action, {
          session, env, where, actionId: id, values, permissions, signal: controller.signal,
          onOutput: (chunk) => process.stdout.write(chunk),
          onFirstPage: ({ columns, page }) => {
            shownEarly = true;
            process.stdout.write(indent(formatTable(columns, page).join('\n'), '   ') + '\n');
          },
        });
        reportOutcome(outcome, style, shownEarly);
        shownEarly = false;
        if (outcome.status !== 'ok') {
          stepFailed = true;
          failures++;
          if (!options.keepGoing || outcome.status === 'cancelled') break;
        }
      }
      session.setStepStatus(where, stepFailed ? 'failed' : 'done');
      if (stepFailed && (!options.keepGoing || interrupted)) stopped = true;
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (interrupted) session.record('interrupted', { reason: 'Ctrl-C: the running action was cancelled' });
  await session.seal(signer);
  if (mirror && env.store) await finishMirror(mirror, env.store, style);
  process.stdout.write(`\n${failures ? style.red(`${failures} action${failures > 1 ? 's' : ''} did not succeed.`) : style.green('Every action succeeded.')} Sealed session: ${session.dir}\n`);
  process.stdout.write(style.dim(`Verify: runbook verify ${session.id}\n`));
  await releaseEnvironment(env);
  return interrupted ? 130 : failures ? 1 : 0;
}

async function startMirror(store: string, session: Session) {
  const { Mirror } = await import('../store/mirror.js');
  const mirror = new Mirror({ connectionString: store }, session.id, session.dir);
  session.subscribe((event) => mirror.push(event));
  mirror.push();
  return mirror;
}

/** Give the store a moment to catch up, send earlier runs' backlog, and say where the mirror stands. */
async function finishMirror(mirror: import('../store/mirror.js').Mirror, store: string, style: Style): Promise<void> {
  const { flushBacklog } = await import('../store/mirror.js');
  const status = await mirror.close(3_000);
  if (status.health === 'live' && status.behind === 0) {
    const backlog = await flushBacklog({ connectionString: store }, process.env, 3_000);
    process.stdout.write(style.dim(`Mirrored to the team store${backlog.sent.length ? `, with ${backlog.sent.length} earlier session${backlog.sent.length > 1 ? 's' : ''} from the backlog` : ''}.\n`));
  } else {
    process.stdout.write(style.yellow(`The team store is ${status.health}${status.error ? ` (${status.error})` : ''}: ${status.behind || 'some'} events wait locally and go on the next run.\n`));
  }
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
    for (const notice of sql.notices) process.stdout.write(style.dim(`   ${notice}\n`));
  }
  if (outcome.supabase) for (const line of outcome.supabase.summary) process.stdout.write(`   ${line}\n`);
  if (outcome.status === 'ok') process.stdout.write(style.green(`   ✓ done${outcome.shell ? ` · exit 0 · ${outcome.shell.durationMs} ms` : ''}\n`));
  else if (outcome.status === 'refused') process.stdout.write(style.red(`   ✗ refused: ${outcome.message}\n`));
  else process.stdout.write(style.red(`   ✗ ${outcome.status}: ${outcome.message}\n`));
}
