// The TUI's state and everything it does, as a zustand store. Screens read it and call its actions;
// the actions call the same session and runner functions as `runbook exec`. No Ink here.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { prepareEnvironment, resolveEnvironment, type Environment } from '../exec/environment.js';
import { filledCode, missingValues, runAction } from '../exec/run.js';
import { OutputTail } from '../exec/tail.js';
import type { Action, Runbook, Section, Step } from '../runbook/model.js';
import { findSectionById } from '../runbook/walk.js';
import type { EventRecord } from '../session/chain.js';
import { Session, type Purpose, type StepStatus } from '../session/session.js';
import { loadSigner, type LoadSignerOptions } from '../session/signer.js';
import { applyEvent, emptyView, viewOf, type SessionView } from '../session/view.js';
import type { ScreenName } from './keys.js';
import { checklistRows, homeRows, locateStep, type Row } from './rows.js';

export interface Screen {
  name: ScreenName;
  sectionId?: string;
  stepId?: string;
}

export type PromptSpec =
  | { kind: 'text'; title: string; label: string; mask?: boolean; hint?: string }
  | { kind: 'confirm'; title: string; lines: string[]; danger?: boolean }
  | { kind: 'choice'; title: string; options: Array<{ label: string; value: string }> };

export interface RunbookEntry {
  file: string;
  title: string;
  sections: number;
  lastSession?: string;
}

export interface RunningAction {
  actionId: string;
  stepId: string;
  kind: Action['kind'];
  startedAt: number;
  controller: AbortController;
  tail: OutputTail;
}

export interface ActionResult {
  actionId: string;
  status: 'ok' | 'failed' | 'refused' | 'cancelled';
  message?: string;
  code: string;
  columns?: string[];
  page?: Array<Array<string | null>>;
  rowCount?: number;
  lines: string[];
  durationMs?: number;
  summary?: string[];
}

export interface FinishSummary {
  done: number;
  skipped: number;
  failed: number;
  actions: number;
  durationMs: number;
  dir: string;
  id: string;
  verify: string;
  reportPath?: string;
}

export interface AppState {
  entries?: RunbookEntry[];
  file?: string;
  runbook?: Runbook;
  bytes?: Buffer;
  env: Environment;
  envNames: string[];
  envConfirmed: boolean;
  purpose?: Purpose;
  session?: Session;
  /** The team store mirror's state, when a store is configured. */
  mirror?: { health: 'live' | 'behind' | 'offline'; behind: number };
  view: SessionView;
  sessionStartedAt?: number;
  screen: Screen;
  history: Screen[];
  cursor: Record<string, number>;
  filter: string;
  filtering: boolean;
  prompt?: PromptSpec;
  /** Changes with every question, so each one starts with an empty answer. */
  promptId: number;
  message?: { text: string; tone: 'info' | 'error' | 'ok' };
  running?: RunningAction;
  /** Bumped (throttled) while output arrives, so the pane redraws. */
  outputTick: number;
  results: Record<string, ActionResult>;
  /** Lines scrolled back from the end of the output pane. */
  scroll: number;
  summary?: FinishSummary;
  exit: boolean;
  size: { columns: number; rows: number };
}

export interface AppActions {
  setSize(columns: number, rows: number): void;
  move(delta: number): void;
  open(): Promise<void>;
  back(): void;
  startFilter(): void;
  setFilter(text: string): void;
  endFilter(keep: boolean): void;
  answer(value: string | undefined): void;
  run(): Promise<void>;
  cancelRun(): void;
  mark(status: StepStatus): Promise<void>;
  note(): Promise<void>;
  attach(): Promise<void>;
  copy(): Promise<void>;
  chooseEnvironment(): Promise<void>;
  help(): void;
  quit(): Promise<void>;
  scrollOutput(delta: number): void;
  writeReport(): Promise<void>;
  rows(): Row[];
  selectedStep(): { section: Section; step: Step; number: string } | undefined;
}

export type AppStore = StoreApi<AppState & AppActions>;

export interface AppOptions {
  entries?: RunbookEntry[];
  loaded?: { file: string; runbook: Runbook; bytes: Buffer };
  env?: Environment;
  envNames?: string[];
  purpose?: Purpose;
  /** Resume this session (already reopened) with the events it had. */
  resume?: { session: Session; events: EventRecord[] };
  sessionRoot?: string;
  signer?: LoadSignerOptions;
  cwd?: string;
  /** Load a runbook from the picker. */
  loadRunbook?: (file: string) => Promise<{ file: string; runbook: Runbook; bytes: Buffer }>;
  /** Write to the terminal (OSC 52 copy). */
  writeTerminal?: (data: string) => void;
  /** Draft a report next to the session; returns its path. */
  writeReport?: (sessionDir: string) => Promise<string>;
  size?: { columns: number; rows: number };
}

const SECRET_NAME = /pass|token|secret|key/i;
const OUTPUT_REDRAW_MS = 100;

function screenKey(screen: Screen): string {
  return `${screen.name}:${screen.sectionId ?? ''}:${screen.stepId ?? ''}`;
}

export function createAppStore(options: AppOptions): AppStore {
  const env = options.env ?? resolveEnvironment(options.cwd ? { cwd: options.cwd } : {});
  const resumed = options.resume;
  const initialView = resumed ? viewOf(resumed.events) : emptyView();
  const firstScreen: Screen = options.loaded ? { name: 'home' } : { name: 'picker' };

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

    const follow = (session: Session) => {
      session.subscribe((event) => set({ view: applyEvent({ ...get().view }, event) }));
    };

    if (resumed) follow(resumed.session);

    const mirrorSession = async (session: Session, store: string) => {
      const { Mirror } = await import('../store/mirror.js');
      const mirror = new Mirror({ connectionString: store }, session.id, session.dir);
      mirror.onChange((status) => set({ mirror: { health: status.health, behind: status.behind } }));
      session.subscribe((event) => mirror.push(event));
      mirror.push();
    };
    if (resumed && env.store) void mirrorSession(resumed.session, env.store);

    const ensureSession = async (): Promise<Session | undefined> => {
      const state = get();
      if (state.session && !state.session.sealed) return state.session;
      if (!state.runbook || !state.file || !state.bytes) return undefined;
      let purpose = state.purpose;
      if (!purpose) {
        const kind = await ask({
          kind: 'choice',
          title: 'Start a session: what is it for?',
          options: [
            { label: 'Incident', value: 'incident' },
            { label: 'Drill', value: 'drill' },
            { label: 'Routine check', value: 'routine' },
          ],
        });
        if (!kind) return undefined;
        if (kind === 'incident') {
          const id = await ask({ kind: 'text', title: 'Incident', label: 'Incident id (e.g. INC-4711): ' });
          if (id === undefined) return undefined;
          const severity = await ask({ kind: 'text', title: 'Incident', label: 'Severity (1–4, empty if unknown): ' });
          if (severity === undefined) return undefined;
          purpose = { kind: 'incident', ...(id ? { id } : {}), ...(severity ? { severity } : {}) };
        } else purpose = { kind: kind as 'drill' | 'routine' };
      }
      if (!purpose) return undefined;
      const section = state.screen.sectionId ? findSectionById(state.runbook, state.screen.sectionId) : undefined;
      let created: string | undefined;
      try {
        const { created: made } = loadSigner({ create: true, ...(options.signer ?? {}) });
        if (made) created = made.files.key;
      } catch (error) {
        say((error as Error).message, 'error');
        return undefined;
      }
      const session = Session.start({
        runbook: { path: state.file, bytes: state.bytes, title: state.runbook.title },
        ...(section ? { section: { id: section.id, title: section.title } } : {}),
        env: state.env.name,
        purpose,
        secrets: state.env.secrets,
        ...(options.sessionRoot ? { root: options.sessionRoot } : {}),
      });
      follow(session);
      set({ session, purpose, sessionStartedAt: Date.now(), view: emptyView() });
      if (state.env.store) void mirrorSession(session, state.env.store);
      say(created ? `Session ${session.id} started; created a signing key at ${created}.` : `Session ${session.id} started.`, 'ok');
      return session;
    };

    const ensureEnvironment = async (session: Session): Promise<boolean> => {
      const { env: current, envConfirmed } = get();
      if (!current.protected || envConfirmed) return true;
      const typed = await ask({ kind: 'text', title: `${current.name.toUpperCase()} is a protected environment`, label: `Type ${current.name} to confirm: ` });
      if (typed !== current.name) {
        say(typed === undefined ? 'Not confirmed: nothing was run.' : `"${typed}" is not ${current.name}: nothing was run.`, 'error');
        return false;
      }
      session.record('confirmed', { what: 'environment', env: current.name, via: 'typed' });
      set({ envConfirmed: true });
      return true;
    };

    const currentWhere = (section: Section, step: Step) => ({ runbook: get().file, section: section.id, step: step.id });

    const actions: AppActions = {
      setSize: (columns, rows) => set({ size: { columns, rows } }),

      rows: () => {
        const { screen, runbook, view, filter, entries } = get();
        if (screen.name === 'picker') {
          return (entries ?? [])
            .filter((e) => !filter || `${e.title} ${e.file}`.toLowerCase().includes(filter.toLowerCase()))
            .map((e) => ({ kind: 'section', section: { id: e.file, title: e.title, level: 1, line: 0, steps: [], sections: [] }, depth: 0, total: e.sections, finished: 0 }) as Row);
        }
        if (!runbook) return [];
        if (screen.name === 'home') return homeRows(runbook, view, filter);
        if (screen.name === 'section' && screen.sectionId) {
          const section = findSectionById(runbook, screen.sectionId);
          return section ? checklistRows(section, view, filter) : [];
        }
        return [];
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
        const next = Math.max(0, Math.min(count - 1, (cursor[key] ?? 0) + delta));
        set({ cursor: { ...cursor, [key]: next } });
      },

      open: async () => {
        const { screen, cursor, history } = get();
        const row = get().rows()[cursor[screenKey(screen)] ?? 0];
        if (!row) return;
        if (screen.name === 'picker') {
          if (!options.loadRunbook) return;
          try {
            const loaded = await options.loadRunbook(row.section.id);
            set({ ...loaded, screen: { name: 'home' }, history: [...history, screen], filter: '', filtering: false, message: undefined });
          } catch (error) {
            say((error as Error).message, 'error');
          }
          return;
        }
        const next: Screen | undefined =
          row.kind === 'section' ? { name: 'section', sectionId: row.section.id } : { name: 'step', sectionId: row.section.id, stepId: row.step.id };
        if (screen.name === 'section' && row.kind === 'section') return;
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
        const rows = get().rows();
        const titled = rows.findIndex((r) => r.kind === 'section' && r.section.title.toLowerCase().includes(text.toLowerCase()));
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
        const runnable = step.actions.map((action, i) => ({ action, id: `${step.id}#${i + 1}` }));
        if (!runnable.length) return say('This step has no command or query to run: mark it done (d) when you have done it.');
        let chosen = runnable[0]!;
        if (runnable.length > 1) {
          const pick = await ask({ kind: 'choice', title: 'Run which action?', options: runnable.map((r, i) => ({ label: `${r.action.kind}  ${firstLine(r.action.code)}`, value: String(i) })) });
          if (pick === undefined) return;
          chosen = runnable[Number(pick)]!;
        }
        const { action, id } = chosen;
        if (action.kind === 'url') {
          await actions.copy();
          return;
        }
        const session = await ensureSession();
        if (!session) return;
        if (!(await ensureEnvironment(session))) return;
        if (get().env.sandbox) {
          try {
            await prepareEnvironment(get().env, (message) => say(message));
          } catch (error) {
            return say(`The sandbox database could not start: ${(error as Error).message}`, 'error');
          }
        }
        const where = currentWhere(section, step);
        // Placeholders are asked once per session and remembered.
        const values = { ...get().view.values, ...secretValues };
        for (const name of missingValues(action, get().env, values)) {
          const secret = SECRET_NAME.test(name);
          const value = await ask({ kind: 'text', title: `Value for ${name}`, label: `${name}: `, mask: secret, hint: secret ? 'hidden as you type; recorded only as set' : 'remembered for this session' });
          if (value === undefined) return say('Not run: a value was not given.');
          session.setPlaceholder(where, name, value, secret);
          values[name] = value;
          if (secret) secretValues[name] = value;
        }
        // The guard judges the code as it will run; the confirmation shows that code and the verdict.
        // Loaded on first use, like its parsers: the first frame does not pay for it.
        const { judgeAction, needsPermission } = await import('../exec/guard/judge.js');
        const verdict = await judgeAction(action, get().env, values);
        let allowWrites = false;
        if (needsPermission(verdict, get().env) && !verdict.blocked) {
          const shown = session.redact(verdict.code).text;
          const ok = await ask({
            kind: 'confirm',
            title: verdict.destructive ? 'This action destroys data or resources' : verdict.tier === 'write' ? 'This action changes things' : 'This action is not known to be read-only',
            lines: [...shown.split('\n'), ...Object.entries(verdict.vars).map(([k, v]) => `with ${k}=${session.redact(JSON.stringify(v)).text}`), '', ...verdict.reasons.map((r) => `• ${session.redact(r).text}`), '', `Environment: ${get().env.name}`],
            danger: true,
          });
          if (ok !== 'yes') {
            session.record('action.refused', { ...where, action: id, kind: action.kind, code: shown, reason: 'the operator declined to run it', risk: verdict.reasons });
            return say('Not run: you declined.', 'info');
          }
          allowWrites = true;
        }
        const controller = new AbortController();
        const tail = new OutputTail();
        set({ running: { actionId: id, stepId: step.id, kind: action.kind, startedAt: Date.now(), controller, tail }, scroll: 0, message: undefined });
        try {
          const outcome = await runAction(action, {
            session,
            env: get().env,
            where,
            actionId: id,
            values,
            permissions: { environmentConfirmed: true, allowWrites },
            signal: controller.signal,
            onOutput: (chunk) => {
              tail.push(chunk);
              if (!redrawScheduled) {
                redrawScheduled = true;
                setTimeout(() => {
                  redrawScheduled = false;
                  set({ outputTick: get().outputTick + 1 });
                }, OUTPUT_REDRAW_MS).unref();
              }
            },
          });
          const statement = outcome.sql?.statements.findLast((s) => s.columns.length) ?? outcome.sql?.statements.at(-1);
          const result: ActionResult = {
            actionId: id,
            status: outcome.status,
            code: outcome.code,
            lines: tail.last(),
            ...(outcome.message ? { message: outcome.message } : {}),
            ...(statement ? { columns: statement.columns, page: statement.page, rowCount: statement.rowCount } : {}),
            ...(outcome.shell ? { durationMs: outcome.shell.durationMs } : outcome.sql ? { durationMs: outcome.sql.durationMs } : {}),
            ...(outcome.supabase ? { summary: outcome.supabase.summary } : {}),
          };
          set({ results: { ...get().results, [id]: result }, running: undefined });
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
        if (!located) return;
        const session = await ensureSession();
        if (!session) return;
        let reason: string | undefined;
        if (status === 'skipped') {
          reason = await ask({ kind: 'text', title: 'Skip this step', label: 'Why? ' });
          if (!reason) return say('Not skipped: a reason is needed.');
        }
        session.setStepStatus(currentWhere(located.section, located.step), status, reason);
        say(`Step ${located.number} marked ${status}.`, 'ok');
        if (get().screen.name === 'section') actions.move(1);
      },

      note: async () => {
        const located = actions.selectedStep();
        const session = await ensureSession();
        if (!session) return;
        const text = await ask({ kind: 'text', title: 'Note', label: 'Note: ', hint: 'recorded in the session log at once' });
        if (!text) return;
        session.note(located ? currentWhere(located.section, located.step) : { runbook: get().file }, text);
        say('Note recorded.', 'ok');
      },

      attach: async () => {
        const located = actions.selectedStep();
        const session = await ensureSession();
        if (!session) return;
        const given = await ask({ kind: 'text', title: 'Attach evidence', label: 'File path, or text to keep (a ticket link, output from another host): ' });
        if (!given) return;
        const where = located ? currentWhere(located.section, located.step) : {};
        const path = given.trim();
        if (existsSync(path) && statSync(path).isFile()) {
          session.attach(where, { name: path, data: readFileSync(path), kind: 'file' });
          say(`Attached ${path}.`, 'ok');
        } else {
          session.attach(where, { name: 'pasted text', data: given, kind: 'text' });
          say('Attached the text.', 'ok');
        }
      },

      copy: async () => {
        const located = actions.selectedStep();
        const action = located?.step.actions[0];
        if (!action) return say('Nothing to copy on this step.');
        const values = { ...get().view.values, ...secretValues };
        const missing = missingValues(action, get().env, values).filter((n) => action.placeholders.includes(n));
        const code = missing.length ? action.code : filledCode(action, values);
        options.writeTerminal?.(`\u001b]52;c;${Buffer.from(code).toString('base64')}\u0007`);
        say(missing.length ? `Copied with placeholders unfilled (${missing.join(', ')}).` : 'Copied to the clipboard (OSC 52).', 'ok');
      },

      chooseEnvironment: async () => {
        const names = [...new Set(['local', ...get().envNames])];
        const pick = await ask({ kind: 'choice', title: 'Environment', options: names.map((n) => ({ label: n, value: n })) });
        if (!pick || pick === get().env.name) return;
        try {
          const next = resolveEnvironment({ name: pick, ...(options.cwd ? { cwd: options.cwd } : {}) });
          get().session?.record('environment', { env: next.name });
          set({ env: next, envConfirmed: false });
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
          session.interrupt('the operator left the session open');
          return set({ exit: true });
        }
        if (choice !== 'finish') return;
        try {
          const { signer } = loadSigner({ create: true, ...(options.signer ?? {}) });
          const view = get().view;
          await session.seal(signer);
          const states = Object.values(view.steps).map((s) => s.state);
          set({
            summary: {
              done: states.filter((s) => s === 'done').length,
              skipped: states.filter((s) => s === 'skipped').length,
              failed: states.filter((s) => s === 'failed').length,
              actions: view.runs.filter((r) => r.status !== 'refused').length,
              durationMs: Date.now() - (get().sessionStartedAt ?? Date.now()),
              dir: session.dir,
              id: session.id,
              verify: `runbook verify ${session.id}`,
            },
            screen: { name: 'finish' },
            history: [],
          });
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

    // Secret placeholder values live only in memory, never in the view or the log.
    const secretValues: Record<string, string> = {};

    const resumedStep = resumed && options.loaded && initialView.lastStep ? locateStep(options.loaded.runbook, initialView.lastStep) : undefined;
    const screen: Screen = resumedStep ? { name: 'step', sectionId: resumedStep.section.id, stepId: resumedStep.step.id } : firstScreen;
    return {
      ...(options.entries ? { entries: options.entries } : {}),
      ...(options.loaded ? { file: options.loaded.file, runbook: options.loaded.runbook, bytes: options.loaded.bytes } : {}),
      env,
      envNames: options.envNames ?? [],
      envConfirmed: false,
      ...(options.purpose ? { purpose: options.purpose } : {}),
      ...(resumed ? { session: resumed.session, sessionStartedAt: Date.parse(resumed.events[0]?.ts ?? '') || Date.now() } : {}),
      view: initialView,
      screen,
      history: resumedStep ? [{ name: 'home' }, { name: 'section', sectionId: resumedStep.section.id }] : [],
      cursor: {},
      filter: '',
      filtering: false,
      outputTick: 0,
      promptId: 0,
      results: {},
      scroll: 0,
      exit: false,
      size: options.size ?? { columns: 80, rows: 24 },
      ...(resumed ? { message: { text: `Resumed session ${resumed.session.id}.`, tone: 'ok' as const } } : {}),
      ...actions,
    };
  });
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
