// The Runbook model: plain data, the contract of `runbook list --json` (README: `runbook list`).

import type { QueryKind } from './queryKinds.js';

/** `promql`, `logql`, `kql` and `redis` are shown and copied, never run as shell (queryKinds.ts). */
export type ActionKind = 'shell' | 'sql' | 'url' | 'supabase' | QueryKind;

export interface Action {
  kind: ActionKind;
  code: string;
  /** 1-based line in the source file. */
  line: number;
  /** Values the operator must supply, e.g. `<ref>` → `ref`. */
  placeholders: string[];
  /** `$VAR` / `${VAR}` references, resolved from the environment; present only when there are some. */
  env?: string[];
  /** Fence attributes such as `{timeout=120}`; present only when given. */
  attrs?: Record<string, string>;
  /**
   * The line that opens an interactive session (`oc debug node/x`, `sudo -i`, `ssh host`) when the
   * lines after it are typed inside that session: such an action is shown and copied, never run here
   * (interactive.ts). Present only then.
   */
  typedInside?: string;
}

export interface Step {
  id: string;
  text: string;
  line: number;
  checked?: boolean;
  actions: Action[];
  steps: Step[];
  /** Code blocks of the step that are not actions (config, expected output): shown for reference; present only when there are some. */
  reference?: Array<{ lang?: string; code: string; line: number }>;
}

export interface Section {
  id: string;
  title: string;
  level: number;
  line: number;
  steps: Step[];
  sections: Section[];
}

export interface Runbook {
  title: string;
  sections: Section[];
  /** YAML front matter, when the file has some. */
  meta?: Record<string, unknown>;
  /** Sentences about parts of the file that were ignored (invalid front matter); present only when some. */
  warnings?: string[];
}
