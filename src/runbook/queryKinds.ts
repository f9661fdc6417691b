// Query languages a runbook shows but this tool does not run: PromQL, LogQL, KQL and redis-cli
// commands. Each is an action kind of its own, so it is shown, copied and recorded as what it is and
// is never handed to bash. A runner plugs in as one more branch on the kind in src/exec/run.ts (e.g.
// PromQL against a Prometheus URL from the environment) and drops its kind from UNRUNNABLE; until
// then running one is refused with one sentence.

export const QUERY_KINDS = ['promql', 'logql', 'kql', 'redis'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

/** Fence info strings for each query kind. */
export const QUERY_FENCES: Readonly<Record<string, QueryKind>> = {
  promql: 'promql',
  prometheus: 'promql',
  metricsql: 'promql',
  logql: 'logql',
  loki: 'logql',
  kql: 'kql',
  kusto: 'kql',
  redis: 'redis',
  'redis-cli': 'redis',
};

/** Kinds with no runner yet. */
const UNRUNNABLE: ReadonlySet<string> = new Set<QueryKind>(QUERY_KINDS);

export function isQueryKind(kind: string): kind is QueryKind {
  return (QUERY_KINDS as readonly string[]).includes(kind);
}

/** Why an action of this kind cannot be run here, or undefined when it can. */
export function noRunnerReason(kind: string): string | undefined {
  return UNRUNNABLE.has(kind) ? `no runner for ${kind}: copy it and run it in its own tool` : undefined;
}
