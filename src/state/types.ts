// The shapes of the TUI's state: what the screens read. UI state only; the session lives in the
// session controller, and the store keeps a copy of what the screens show of it.

import type { Environment } from '../exec/environment.js';
import type { OutputTail } from '../exec/tail.js';
import type { Action, Runbook, Section, Step } from '../runbook/model.js';
import type { LoadedRunbook, SealSummary, SessionController } from '../session/controller.js';
import type { Purpose, SessionEvent } from '../session/events.js';
import type { LoadSignerOptions } from '../session/signer.js';
import type { Session } from '../session/session.js';
import type { SessionView } from '../session/view.js';
import type { ScreenName } from './keys.js';
import type { Row } from './rows.js';

export interface Screen {
  name: ScreenName;
  sectionId?: string;
  stepId?: string;
}

export type PromptSpec =
  | { kind: 'text'; title: string; label: string; mask?: boolean; hint?: string; /** One sentence above the field: why this is asked (again). */ note?: string }
  | { kind: 'confirm'; title: string; lines: string[]; danger?: boolean }
  | { kind: 'choice'; title: string; options: Array<{ label: string; value: string }>; selected?: string };

export interface RunbookEntry {
  file: string;
  /** The file as shown and filtered on: its path inside the folder opened. */
  label?: string;
  /** The runbook's title; its file name until the file has been read. */
  title: string;
  /** Unknown until the file has been read. */
  sections?: number;
  steps?: number;
  lastSession?: string;
  /** Why the file cannot be opened, in one sentence. */
  problem?: string;
}

/** News about one picker entry. */
export type EntryPatch = Partial<RunbookEntry> & { file: string };

/** Reads the picker's runbooks, handing `apply` what it learns a batch at a time and awaiting `between` between batches. */
export type DescribeEntries = (apply: (patches: EntryPatch[]) => void, between: () => Promise<void>) => Promise<void>;

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

export interface FinishSummary extends SealSummary {
  reportPath?: string;
}

/** What the screens show of the session; copied from the controller whenever it changes. */
export interface SessionSnapshot {
  env: Environment;
  session?: Session;
  view: SessionView;
  /** The team store mirror's state, when a store is configured. */
  mirror?: { health: 'live' | 'behind' | 'offline' | 'conflict'; behind: number };
  sessionStartedAt?: number;
}

export interface AppState extends SessionSnapshot {
  entries?: RunbookEntry[];
  file?: string;
  runbook?: Runbook;
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
  mark(status: 'done' | 'skipped' | 'failed'): Promise<void>;
  note(): Promise<void>;
  attach(): Promise<void>;
  copy(): Promise<void>;
  chooseEnvironment(): Promise<void>;
  help(): void;
  quit(): Promise<void>;
  scrollOutput(delta: number): void;
  writeReport(): Promise<void>;
  /** Type a status update (recorded, and posted when a webhook is configured). */
  update(): Promise<void>;
  /** Escalate to a level of the runbook's escalation section. */
  escalate(): Promise<void>;
  severity(): Promise<void>;
  rows(): Row[];
  selectedStep(): { section: Section; step: Step; number: string } | undefined;
}

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
  /** Fill in the picker's entries after its first frame (titles, counts, problems). */
  describeEntries?: DescribeEntries;
  /** Write to the terminal (OSC 52 copy). */
  writeTerminal?: (data: string) => void;
  /** Draft a report next to the session; returns its path. */
  writeReport?: (sessionDir: string) => Promise<string>;
  size?: { columns: number; rows: number };
}
