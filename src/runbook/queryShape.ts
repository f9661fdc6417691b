// A block or span that is all PromQL or LogQL, wherever it was put (a `text` or `console` fence, an
// untyped one, a sentence): shown and copied as that query, never run as shell.

export interface QueryAction {
  kind: 'promql' | 'logql';
  code: string;
}

// A whole block shaped as PromQL: an aggregation or function call, or a lowercase metric name with
// underscores followed by label matchers, a range, an operator or nothing; only PromQL's characters.
const PROMQL_START = /^\(*\s*((sum|avg|min|max|count|count_values|stddev|stdvar|topk|bottomk|quantile|group)\s*(\s(by|without)\s*\([\w, ]*\)\s*)?\(|(rate|irate|increase|delta|idelta|deriv|predict_linear|histogram_quantile|absent|absent_over_time|changes|resets|label_replace|label_join|sort|sort_desc|clamp_min|clamp_max|round|abs|time|timestamp|vector|scalar|\w+_over_time)\s*\(|[a-z][a-z0-9]*(_[a-z0-9]+)+(:[\w:]+)?\s*(\{|\[|[-+*/%^]|[<>=!]=|[<>]\s|\b(and|or|unless|offset)\b|\)))/;
const PROMQL_CHARS = /^[\w:{}()[\]=~!",.'*/+\-<>^%@ \n\t|]+$/;
const LOGQL_START = /^\{\s*[\w.]+\s*(=|!=|=~|!~)\s*"[^"]*"\s*(,\s*[\w.]+\s*(=|!=|=~|!~)\s*"[^"]*"\s*)*\}(\s*(\|[=~]|!=|!~|\|)|\s*$)/;

/** A block that is all PromQL or LogQL, wherever it was put: shown and copied as that query. */
export function queryActions(body: string): QueryAction[] {
  const text = body.trim();
  // PromQL comments run from `#` to the end of the line; the query is judged without them.
  const bare = text.includes('#') ? text.replace(/(^|\s)#[^\n]*/g, '$1').trim() : text;
  if (LOGQL_START.test(text)) return [{ kind: 'logql', code: text }];
  // `for: 5m` under an expression is a rule's YAML, not part of a query.
  if (PROMQL_CHARS.test(bare) && PROMQL_START.test(bare) && !/\n\s*\n/.test(bare) && !hasProseWords(bare) && !EXPOSITION_SAMPLE.test(bare) && !/^\s*[A-Za-z_]\w*:\s/m.test(bare)) {
    return [{ kind: 'promql', code: text }];
  }
  return [];
}

// `metric{labels} 0`: a line of a /metrics page, which is output, not a query.
const EXPOSITION_SAMPLE = /^\s*[a-zA-Z_:][\w:]*(\{[^}]*\})?\s+[-+]?(\d[\d.eE+-]*|NaN|\+?Inf)(\s+\d+)?\s*$/m;

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'atan2']);

/** Two bare words in a row, neither a PromQL keyword: a sentence, not a query. */
function hasProseWords(text: string): boolean {
  const bare = text.replace(/"[^"]*"|'[^']*'|\{[^}]*\}|\[[^\]]*\]/g, ' ');
  for (const m of bare.matchAll(/([A-Za-z_][\w:]*)\s+(?=([A-Za-z_][\w:]*))/g)) {
    if (!PROMQL_WORDS.has(m[1]!) && !PROMQL_WORDS.has(m[2]!)) return true;
  }
  return false;
}
