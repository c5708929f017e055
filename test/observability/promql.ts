/**
 * Just enough PromQL reading to find which metric names and label names an
 * expression uses, so tests can hold rules and dashboards against what the
 * service really exports. Not a parser: it strips what cannot be a metric
 * name (strings, label matchers, ranges, grouping clauses, variables) and
 * keeps the identifiers that are left.
 */

const NOT_METRICS = new Set([
  // operators and modifiers
  'and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan',
  // aggregations
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  // functions used anywhere in PromQL 2.x
  'abs', 'absent', 'absent_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'day_of_month',
  'day_of_week', 'day_of_year', 'days_in_month', 'delta', 'deriv', 'exp', 'floor', 'histogram_quantile',
  'holt_winters', 'hour', 'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'ln', 'log2', 'log10',
  'minute', 'month', 'predict_linear', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sort', 'sort_desc', 'sqrt',
  'time', 'timestamp', 'vector', 'year', 'avg_over_time', 'min_over_time', 'max_over_time', 'sum_over_time',
  'count_over_time', 'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time',
  'present_over_time',
]);

/** Removes string literals, `{...}`, `[...]`, grouping label lists and `$variables`. */
function skeleton(expr: string): string {
  return expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
}

/** Metric names an expression selects (recording-rule names included). */
export function metricNames(expr: string): Set<string> {
  const out = new Set<string>();
  // An identifier not glued to a digit or dot, so 1e3 and 0.95 yield nothing.
  for (const m of skeleton(expr).matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)/g)) {
    if (!NOT_METRICS.has(m[1]!.toLowerCase())) out.add(m[1]!);
  }
  return out;
}

/** Each `name{matchers}` selector with the label names its matchers use. */
export function selectorLabels(expr: string): Array<{ metric: string; labels: string[] }> {
  const noStrings = (s: string) => s.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const out: Array<{ metric: string; labels: string[] }> = [];
  for (const m of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g)) {
    const labels = [...noStrings(m[2]!).matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!);
    out.push({ metric: m[1]!, labels });
  }
  return out;
}

/** A histogram series name maps to its base name: the exposition declares the base. */
export function baseName(name: string, histograms: ReadonlySet<string>): string {
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  return m && histograms.has(m[1]!) ? m[1]! : name;
}

/** Metric families in a text exposition: name -> type and the label names seen on its samples. */
export function exposition(text: string): Map<string, { type: string; labels: Set<string> }> {
  const families = new Map<string, { type: string; labels: Set<string> }>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(m[1]!, { type: m[2]!, labels: new Set() });
  const histograms = new Set([...families].filter(([, f]) => f.type === 'histogram' || f.type === 'summary').map(([n]) => n));
  for (const m of text.matchAll(/^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? /gm)) {
    const family = families.get(baseName(m[1]!, histograms));
    for (const l of (m[2] ?? '').matchAll(/(\w+)="/g)) family?.labels.add(l[1]!);
  }
  return families;
}
