// What the operator does with the session from the TUI: run, mark, note, attach, copy, switch
// environment, finish. Each asks through dialogs and hands the work to the session controller.

import { OutputTail } from '../exec/tail.js';
import type { Action, Step } from '../runbook/model.js';
import type { RunResult } from '../session/controller.js';
import { screenSection, type StoreContext } from './context.js';
import { resultPane } from './results.js';
import type { AppActions } from './types.js';
import { runbookCommand } from '../format/command.js';
import { escalationLevels, findEscalationSection } from '../runbook/escalation.js';

type SessionActions = Pick<AppActions, 'run' | 'cancelRun' | 'mark' | 'note' | 'attach' | 'copy' | 'chooseEnvironment' | 'quit' | 'writeReport' | 'update' | 'escalate' | 'severity'>;

const OUTPUT_REDRAW_MS = 100;
const NOT_RUN: Record<Exclude<RunResult, { ran: true }>['why'], string | undefined> = {
  'no-session': undefined,
  'not-confirmed': undefined,
  'no-value': 'Not run: a value was not given.',
  declined: 'Not run: you declined.',
};

const firstLine = (text: string) => text.split('\n')[0] ?? '';

export function sessionActions({ set, get, options, controller, ask, say }: StoreContext): SessionActions {
  let redrawScheduled = false;

  /** The open session, or a new one; says so when it starts, or why it could not. */
  const sessionReady = async (): Promise<boolean> => {
    const wasOpen = Boolean(controller.session && !controller.session.sealed);
    try {
      // The runbook changed since the last session on it: read what changed before starting.
      const changes = wasOpen ? undefined : controller.runbookChanges();
      if (changes) {
        const answer = await ask({ kind: 'confirm', title: changes.lines[0]!, lines: [...changes.lines.slice(1), '', 'Start the session on this version?'] });
        if (answer !== 'yes') return false;
      }
      const started = await controller.ensureSession(screenSection(get));
      if (started && !wasOpen) say(`Session ${started.session.id} started${started.createdKey ? `; created a signing key at ${started.createdKey.key}` : ''}.`, 'ok');
      return Boolean(started);
    } catch (error) {
      say((error as Error).message, 'error');
      return false;
    }
  };

  /** The step's action to act on: the only one, or the one the operator picks. */
  const chooseAction = async (step: Step, title: string): Promise<{ action: Action; id: string } | undefined> => {
    const choices = step.actions.map((action, i) => ({ action, id: `${step.id}#${i + 1}` }));
    if (choices.length <= 1) return choices[0];
    const pick = await ask({ kind: 'choice', title, options: choices.map((c, i) => ({ label: `${c.action.kind}  ${firstLine(c.action.code)}`, value: String(i) })) });
    return pick === undefined ? undefined : choices[Number(pick)];
  };

  const copyAction = (action: Action) => {
    const { code, missing } = controller.codeToCopy(action);
    options.writeTerminal?.(`\u001b]52;c;${Buffer.from(code).toString('base64')}\u0007`);
    say(missing.length ? `Copied with placeholders unfilled (${missing.join(', ')}).` : 'Copied to the clipboard (OSC 52).', 'ok');
  };

  /** Output arrives in bursts: redraw the pane at most every OUTPUT_REDRAW_MS. */
  const redrawSoon = () => {
    if (redrawScheduled) return;
    redrawScheduled = true;
    setTimeout(() => {
      redrawScheduled = false;
      set({ outputTick: get().outputTick + 1 });
    }, OUTPUT_REDRAW_MS).unref();
  };

  return {
    run: async () => {
      if (get().running) return say('An action is running: x or Ctrl-C cancels it.', 'error');
      const located = get().selectedStep();
      if (!located) return;
      const { section, step } = located;
      if (!step.actions.length) return say('This step has no command or query to run: mark it done (d) when you have done it.');
      const chosen = await chooseAction(step, 'Run which action?');
      if (!chosen) return;
      if (chosen.action.kind === 'url') return copyAction(chosen.action);
      if (!(await sessionReady())) return;
      const abort = new AbortController();
      const tail = new OutputTail();
      try {
        const result = await controller.run({
          section, step, action: chosen.action, actionId: chosen.id, signal: abort.signal,
          onStart: () => set({ running: { actionId: chosen.id, stepId: step.id, kind: chosen.action.kind, startedAt: Date.now(), controller: abort, tail }, scroll: 0, message: undefined }),
          onOutput: (chunk) => {
            tail.push(chunk);
            redrawSoon();
          },
        });
        set({ running: undefined });
        if (!result.ran) {
          const message = NOT_RUN[result.why];
          return message ? say(message) : undefined;
        }
        const { outcome } = result;
        set({ results: { ...get().results, [chosen.id]: resultPane(chosen.id, outcome, tail.last()) } });
        say(outcome.status === 'ok' ? 'Done. Mark the step with d when you are satisfied.' : `${outcome.status}: ${outcome.message ?? ''}`, outcome.status === 'ok' ? 'ok' : 'error');
      } catch (error) {
        set({ running: undefined });
        say((error as Error).message, 'error');
      }
    },

    cancelRun: () => {
      const running = get().running;
      if (!running) return;
      running.controller.abort();
      say('Cancelling…');
    },

    mark: async (status) => {
      const located = get().selectedStep();
      if (!located || !(await sessionReady())) return;
      let reason: string | undefined;
      if (status === 'skipped') {
        reason = await ask({ kind: 'text', title: 'Skip this step', label: 'Why? ' });
        if (!reason) return say('Not skipped: a reason is needed.');
      }
      controller.mark(located.section, located.step, status, reason);
      say(`Step ${located.number} marked ${status}.`, 'ok');
      if (get().screen.name === 'section') get().move(1);
    },

    note: async () => {
      const located = get().selectedStep();
      if (!(await sessionReady())) return;
      const text = await ask({ kind: 'text', title: 'Note', label: 'Note: ', hint: 'recorded in the session log at once' });
      if (!text) return;
      controller.note(text, located?.section, located?.step);
      say('Note recorded.', 'ok');
    },

    attach: async () => {
      const located = get().selectedStep();
      if (!(await sessionReady())) return;
      const given = await ask({ kind: 'text', title: 'Attach evidence', label: 'File path, or text to keep (a ticket link, output from another host): ' });
      if (!given) return;
      const kind = controller.attach(given, located?.section, located?.step);
      say(kind === 'file' ? `Attached ${given.trim()}.` : 'Attached the text.', 'ok');
    },

    update: async () => {
      const located = get().selectedStep();
      if (!(await sessionReady())) return;
      const text = await ask({ kind: 'text', title: 'Status update', label: 'Update: ', hint: controller.env.notify ? 'posted to the team channel and recorded' : 'recorded (no webhook is configured)' });
      if (!text?.trim()) return;
      controller.update(text.trim(), located?.section, located?.step);
      say(controller.env.notify ? 'Update recorded; posting it.' : 'Update recorded.', 'ok');
    },

    escalate: async () => {
      const located = get().selectedStep();
      const runbook = controller.loaded?.runbook;
      const section = runbook ? findEscalationSection(runbook, controller.env.escalation) : undefined;
      if (!section) return say('This runbook has no escalation section (a section titled "Escalation…", or named by "escalation" in runbook.config.json).', 'error');
      const levels = escalationLevels(section);
      if (!levels.length) return say(`${section.title} lists no levels.`, 'error');
      if (!(await sessionReady())) return;
      const at = located ? `beside step ${located.number}: ${firstLine(located.step.text)}` : '';
      const level = await ask({ kind: 'choice', title: `${section.title}${at ? ` (${at})` : ''}: escalate to`, options: levels.map((l) => ({ label: l, value: l })) });
      if (!level) return;
      const note = await ask({ kind: 'text', title: `Escalate to ${level}`, label: 'Note (optional): ' });
      if (note === undefined) return;
      controller.escalate(level, note, located?.section, located?.step);
      say(`Escalated to ${level}.`, 'ok');
    },

    severity: async () => {
      if (!(await sessionReady())) return;
      const now = controller.severity();
      const to = await ask({ kind: 'text', title: 'Severity', label: `New severity${now ? ` (now ${now})` : ''}: ` });
      if (!to?.trim()) return;
      controller.setSeverity(to.trim());
      say(`Severity ${controller.severity()}.`, 'ok');
    },

    copy: async () => {
      const located = get().selectedStep();
      const chosen = located ? await chooseAction(located.step, 'Copy which action?') : undefined;
      if (!chosen) return located?.step.actions.length ? undefined : say('Nothing to copy on this step.');
      copyAction(chosen.action);
    },

    chooseEnvironment: async () => {
      if (get().running) return say('An action is running: let it finish or cancel it (x) before switching environment.', 'error');
      // Every environment, the current one marked and chosen to start with.
      const current = controller.env.name;
      const names = [...new Set([...controller.environments(), current])];
      const pick = await ask({ kind: 'choice', title: 'Environment', options: names.map((n) => ({ label: n === current ? `${n}  (current)` : n, value: n })), selected: current });
      if (!pick || pick === controller.env.name) return;
      try {
        const next = controller.switchEnvironment(pick);
        say(`Environment: ${next.name}${next.protected ? ' (protected: you will be asked to type its name)' : ''}.`);
      } catch (error) {
        say((error as Error).message, 'error');
      }
    },

    quit: async () => {
      const { session, running, screen } = get();
      if (screen.name === 'finish' || !session || session.sealed) return set({ exit: true });
      if (running) return say('An action is running: cancel it first (x).', 'error');
      const choice = await ask({
        kind: 'choice',
        title: `Session ${session.id} is open`,
        options: [
          { label: 'Finish: seal the session and show the summary', value: 'finish' },
          { label: `Leave it open (continue later with ${runbookCommand('resume')})`, value: 'leave' },
          { label: 'Stay', value: 'stay' },
        ],
      });
      if (choice === 'leave') {
        controller.leave('the operator left the session open');
        return set({ exit: true });
      }
      if (choice !== 'finish') return;
      try {
        set({ summary: await controller.seal(), screen: { name: 'finish' }, history: [], message: undefined });
      } catch (error) {
        say(`Could not seal the session: ${(error as Error).message}`, 'error');
      }
    },

    writeReport: async () => {
      const summary = get().summary;
      if (!summary || !options.writeReport) return say('Report drafts are not available yet.');
      try {
        const path = await options.writeReport(summary.dir);
        set({ summary: { ...summary, reportPath: path } });
        // The Finish screen shows the path.
        say('Report draft written.', 'ok');
      } catch (error) {
        say((error as Error).message, 'error');
      }
    },
  };
}
