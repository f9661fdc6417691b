// The TUI's state as a zustand store: screen, cursor, prompts, panes. Everything done with the
// session goes through the session controller, the same one `runbook exec` drives. No Ink here.

import { createStore, type StoreApi } from 'zustand/vanilla';
import { resolveEnvironment, type Environment } from '../exec/environment.js';
import { OutputTail } from '../exec/tail.js';
import type { Action, Runbook, Section, Step } from '../runbook/model.js';
import { findSectionById } from '../runbook/walk.js';
import { SessionController, type LoadedRunbook, type RunResult } from '../session/controller.js';
import type { Purpose, SessionEvent } from '../session/events.js';
import type { Session } from '../session/session.js';
import type { LoadSignerOptions } from '../session/signer.js';
import { dialogPrompts } from './prompts.js';
import { checklistRows, homeRows, locateStep, pickerRows } from './rows.js';
import type { ActionResult, AppActions, AppState, PromptSpec, RunbookEntry, Screen, SessionSnapshot } from './types.js';

export type * from './types.js';

export type AppStore = StoreApi<AppState & AppActions>;

export interface AppOptions {
  entries?: RunbookEntry[];
  loaded?: LoadedRunbook;
  env?: Environment;
  purpose?: Purpose;
  /** The session controller to drive (a resumed session comes this way); made from the options below when absent. */
  controller?: SessionController;
  /** A session already reopened (`Session.resume`), carried on on `env`. */
  resume?: { session: Session; events: SessionEvent[] };
  sessionRoot?: string;
  signer?: LoadSignerOptions;
  cwd?: string;
  /** Load a runbook from the picker. */
  loadRunbook?: (file: string) => Promise<LoadedRunbook>;
  /** Write to the terminal (OSC 52 copy). */
  writeTerminal?: (data: string) => void;
  /** Draft a report next to the session; returns its path. */
  writeReport?: (sessionDir: string) => Promise<string>;
  size?: { columns: number; rows: number };
}

const OUTPUT_REDRAW_MS = 100;
const NOT_RUN: Record<Exclude<RunResult, { ran: true }>['why'], string | undefined> = {
  'no-session': undefined,
  'not-confirmed': undefined,
  'no-value': 'Not run: a value was not given.',
  declined: 'Not run: you declined.',
};

const screenKey = (screen: Screen) => `${screen.name}:${screen.sectionId ?? ''}:${screen.stepId ?? ''}`;
const firstLine = (text: string) => text.split('\n')[0] ?? '';

function snapshot(controller: SessionController): SessionSnapshot {
  return {
    env: controller.env,
    view: controller.view,
    ...(controller.session ? { session: controller.session } : {}),
    ...(controller.mirror ? { mirror: { health: controller.mirror.health, behind: controller.mirror.behind } } : {}),
    ...(controller.startedAt ? { sessionStartedAt: controller.startedAt } : {}),
  };
}

export function createAppStore(options: AppOptions): AppStore {
  return createStore<AppState & AppActions>()((set, get) => {
    let pendingAnswer: ((value: string | undefined) => void) | undefined;
    let redrawScheduled = false;
    const say = (text: string, tone: 'info' | 'error' | 'ok' = 'info') => set({ message: { text, tone } });
    /** Ask the operator something; resolves with the answer, or undefined when they press Esc. */
    const ask = (prompt: PromptSpec): Promise<string | undefined> =>
      new Promise((resolve) => {
        pendingAnswer = resolve;
        set({ prompt, promptId: get().promptId + 1 });
      });

    const controller = options.controller ?? createController(options);
    controller.answerWith(dialogPrompts(ask, say));
    controller.onChange(() => set(snapshot(controller)));

    const screenSection = (): Section | undefined => {
      const { runbook, screen } = get();
      return runbook && screen.sectionId ? findSectionById(runbook, screen.sectionId) : undefined;
    };

    /** The open session, or a new one; says so when it starts, or why it could not. */
    const sessionReady = async (): Promise<boolean> => {
      const wasOpen = Boolean(controller.session && !controller.session.sealed);
      try {
        const started = await controller.ensureSession(screenSection());
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

    const redrawSoon = () => {
      if (redrawScheduled) return;
      redrawScheduled = true;
      setTimeout(() => {
        redrawScheduled = false;
        set({ outputTick: get().outputTick + 1 });
      }, OUTPUT_REDRAW_MS).unref();
    };

    const actions: AppActions = {
      setSize: (columns, rows) => set({ size: { columns, rows } }),

      rows: () => {
        const { screen, runbook, view, filter, entries } = get();
        if (screen.name === 'picker') return pickerRows(entries ?? [], filter);
        if (!runbook) return [];
        if (screen.name === 'home') return homeRows(runbook, view, filter);
        const section = screen.name === 'section' ? screenSection() : undefined;
        return section ? checklistRows(section, view, filter) : [];
      },

      selectedStep: () => {
        const { screen, runbook, cursor } = get();
        if (!runbook) return undefined;
        if (screen.name === 'step' && screen.stepId) return locateStep(runbook, screen.stepId);
        const row = get().rows()[cursor[screenKey(screen)] ?? 0];
        return row?.kind === 'step' ? locateStep(runbook, row.step.id) : undefined;
      },

      move: (delta) => {
        const { screen, cursor } = get();
        const count = get().rows().length;
        if (!count) return;
        const key = screenKey(screen);
        set({ cursor: { ...cursor, [key]: Math.max(0, Math.min(count - 1, (cursor[key] ?? 0) + delta)) } });
      },

      open: async () => {
        const { screen, cursor, history } = get();
        const row = get().rows()[cursor[screenKey(screen)] ?? 0];
        if (!row) return;
        if (screen.name === 'picker') {
          if (!options.loadRunbook) return;
          try {
            const loaded = await options.loadRunbook(row.section.id);
            controller.useRunbook(loaded);
            set({ file: loaded.file, runbook: loaded.runbook, screen: { name: 'home' }, history: [...history, screen], filter: '', filtering: false, message: undefined });
          } catch (error) {
            say((error as Error).message, 'error');
          }
          return;
        }
        if (screen.name === 'section' && row.kind === 'section') return;
        const next: Screen = row.kind === 'section' ? { name: 'section', sectionId: row.section.id } : { name: 'step', sectionId: row.section.id, stepId: row.step.id };
        set({ screen: next, history: [...history, screen], filter: '', filtering: false, scroll: 0, message: undefined });
      },

      back: () => {
        const { history } = get();
        if (get().filtering) return actions.endFilter(false);
        if (!history.length) return;
        set({ screen: history[history.length - 1]!, history: history.slice(0, -1), filter: '', filtering: false, scroll: 0 });
      },

      startFilter: () => set({ filtering: true, filter: '' }),
      setFilter: (text) => {
        const key = screenKey(get().screen);
        set({ filter: text });
        // The cursor goes to the first section whose title matches: that is what the operator is typing.
        const titled = get().rows().findIndex((r) => r.kind === 'section' && r.section.title.toLowerCase().includes(text.toLowerCase()));
        set({ cursor: { ...get().cursor, [key]: Math.max(0, titled) } });
      },
      endFilter: (keep) => set({ filtering: false, ...(keep ? {} : { filter: '' }) }),

      answer: (value) => {
        const resolve = pendingAnswer;
        pendingAnswer = undefined;
        set({ prompt: undefined });
        resolve?.(value);
      },

      run: async () => {
        if (get().running) return say('An action is running: x or Ctrl-C cancels it.', 'error');
        const located = actions.selectedStep();
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
          const statement = outcome.sql?.statements.findLast((s) => s.columns.length) ?? outcome.sql?.statements.at(-1);
          const shown: ActionResult = {
            actionId: chosen.id,
            status: outcome.status,
            code: outcome.code,
            lines: tail.last(),
            ...(outcome.message ? { message: outcome.message } : {}),
            ...(statement ? { columns: statement.columns, page: statement.page, rowCount: statement.rowCount } : {}),
            ...(outcome.shell ? { durationMs: outcome.shell.durationMs } : outcome.sql ? { durationMs: outcome.sql.durationMs } : {}),
            ...(outcome.supabase ? { summary: outcome.supabase.summary } : {}),
          };
          set({ results: { ...get().results, [chosen.id]: shown } });
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
        const located = actions.selectedStep();
        if (!located || !(await sessionReady())) return;
        let reason: string | undefined;
        if (status === 'skipped') {
          reason = await ask({ kind: 'text', title: 'Skip this step', label: 'Why? ' });
          if (!reason) return say('Not skipped: a reason is needed.');
        }
        controller.mark(located.section, located.step, status, reason);
        say(`Step ${located.number} marked ${status}.`, 'ok');
        if (get().screen.name === 'section') actions.move(1);
      },

      note: async () => {
        const located = actions.selectedStep();
        if (!(await sessionReady())) return;
        const text = await ask({ kind: 'text', title: 'Note', label: 'Note: ', hint: 'recorded in the session log at once' });
        if (!text) return;
        controller.note(text, located?.section, located?.step);
        say('Note recorded.', 'ok');
      },

      attach: async () => {
        const located = actions.selectedStep();
        if (!(await sessionReady())) return;
        const given = await ask({ kind: 'text', title: 'Attach evidence', label: 'File path, or text to keep (a ticket link, output from another host): ' });
        if (!given) return;
        const kind = controller.attach(given, located?.section, located?.step);
        say(kind === 'file' ? `Attached ${given.trim()}.` : 'Attached the text.', 'ok');
      },

      copy: async () => {
        const located = actions.selectedStep();
        const chosen = located ? await chooseAction(located.step, 'Copy which action?') : undefined;
        if (!chosen) return located?.step.actions.length ? undefined : say('Nothing to copy on this step.');
        copyAction(chosen.action);
      },

      chooseEnvironment: async () => {
        const pick = await ask({ kind: 'choice', title: 'Environment', options: controller.environments().map((n) => ({ label: n, value: n })) });
        if (!pick || pick === controller.env.name) return;
        try {
          const next = controller.switchEnvironment(pick);
          say(`Environment: ${next.name}${next.protected ? ' (protected: you will be asked to type its name)' : ''}.`);
        } catch (error) {
          say((error as Error).message, 'error');
        }
      },

      help: () => {
        const { screen, history } = get();
        if (screen.name === 'help') return actions.back();
        set({ screen: { name: 'help' }, history: [...history, screen] });
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
            { label: 'Leave it open (continue later with runbook resume)', value: 'leave' },
            { label: 'Stay', value: 'stay' },
          ],
        });
        if (choice === 'leave') {
          controller.leave('the operator left the session open');
          return set({ exit: true });
        }
        if (choice !== 'finish') return;
        try {
          set({ summary: await controller.seal(), screen: { name: 'finish' }, history: [] });
        } catch (error) {
          say(`Could not seal the session: ${(error as Error).message}`, 'error');
        }
      },

      scrollOutput: (delta) => set({ scroll: Math.max(0, get().scroll + delta) }),

      writeReport: async () => {
        const summary = get().summary;
        if (!summary || !options.writeReport) return say('Report drafts are not available yet.');
        try {
          const path = await options.writeReport(summary.dir);
          set({ summary: { ...summary, reportPath: path } });
          say(`Report draft written: ${path}`, 'ok');
        } catch (error) {
          say((error as Error).message, 'error');
        }
      },
    };

    return { ...initialState(options, controller), ...actions };
  });
}

/** The session controller the TUI drives, from its options (the store answers its questions). */
export function createController(options: AppOptions): SessionController {
  const controllerOptions = {
    env: options.env ?? resolveEnvironment(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.purpose ? { purpose: options.purpose } : {}),
    ...(options.signer ? { signer: options.signer } : {}),
    ...(options.sessionRoot ? { sessionRoot: options.sessionRoot } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  };
  const controller = options.resume ? SessionController.adopt(options.resume, controllerOptions) : new SessionController(controllerOptions);
  if (options.loaded) controller.useRunbook(options.loaded);
  return controller;
}

/** The first frame: the picker, the runbook's home, or the step a resumed session was last on. */
function initialState(options: AppOptions, controller: SessionController): AppState {
  const loaded = options.loaded ?? controller.loaded;
  const resumed = controller.session && controller.view.events > 0;
  const lastStep = resumed && loaded && controller.view.lastStep ? locateStep(loaded.runbook, controller.view.lastStep) : undefined;
  const screen: Screen = lastStep ? { name: 'step', sectionId: lastStep.section.id, stepId: lastStep.step.id } : { name: loaded ? 'home' : 'picker' };
  return {
    ...snapshot(controller),
    ...(options.entries ? { entries: options.entries } : {}),
    ...(loaded ? { file: loaded.file, runbook: loaded.runbook as Runbook } : {}),
    screen,
    history: lastStep ? [{ name: 'home' }, { name: 'section', sectionId: lastStep.section.id }] : [],
    cursor: {},
    filter: '',
    filtering: false,
    outputTick: 0,
    promptId: 0,
    results: {},
    scroll: 0,
    exit: false,
    size: options.size ?? { columns: 80, rows: 24 },
    ...(resumed ? { message: { text: `Resumed session ${controller.session!.id}.`, tone: 'ok' as const } } : {}),
  };
}
