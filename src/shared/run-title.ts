// What a run is called and what came of it, in the same words wherever a run is named: the run page's
// header, the run list, search hits, compare and `looplab runs`.
import { formatMetric } from './format';
import type { RunMetric, RunSummary } from './run-summary';

/** A title longer than this is cut at a word, with an ellipsis. */
export const TITLE_CHARS = 72;
const PARAM_CHARS = 24;

/**
 * A short title: the loop spec's name and parameters (`text-classifier (data=train.csv, target=0.85)`),
 * else the goal's first sentence, cut at a clause or a word with an ellipsis when it is long.
 */
export function runTitle(run: Pick<RunSummary, 'goal' | 'spec'>, max = TITLE_CHARS): string {
  if (run.spec !== null) {
    const params = Object.entries(run.spec.params).map(([key, value]) => `${key}=${cutAtWord(value, PARAM_CHARS)}`);
    return cutAtWord(params.length === 0 ? run.spec.name : `${run.spec.name} (${params.join(', ')})`, max);
  }
  const goal = run.goal.replace(/\s+/g, ' ').trim();
  if (goal === '') return 'Untitled run';
  const sentence = firstSentence(goal);
  if (sentence.length <= max) return sentence.length < goal.length ? withEllipsis(sentence, goal) : sentence;
  return cutAtClause(sentence, max) ?? cutAtWord(sentence, max);
}

/** The goal's first sentence: up to a full stop, question or exclamation mark followed by a space. */
function firstSentence(text: string): string {
  const end = /[.!?](\s|$)/.exec(text);
  return end === null ? text : text.slice(0, end.index);
}

/** A sentence that is the whole goal but for its full stop reads as it is; one that leaves more, with `…`. */
function withEllipsis(sentence: string, goal: string): string {
  return goal.length - sentence.length <= 1 ? sentence : `${sentence}…`;
}

/** The sentence cut at its last clause boundary (`,`, `;`, ` and `, ` then `) that fits, outside brackets. */
function cutAtClause(sentence: string, max: number): string | undefined {
  const boundary = /,\s|;\s|\s(and|then|but)\s/g;
  let cut: number | undefined;
  for (let match = boundary.exec(sentence); match !== null; match = boundary.exec(sentence)) {
    if (match.index + 1 > max) break;
    if (match.index >= max / 3 && !insideBrackets(sentence, match.index)) cut = match.index;
  }
  return cut === undefined ? undefined : `${sentence.slice(0, cut).trimEnd()}…`;
}

function insideBrackets(text: string, index: number): boolean {
  let depth = 0;
  for (const char of text.slice(0, index)) {
    if (char === '(' || char === '[') depth++;
    if ((char === ')' || char === ']') && depth > 0) depth--;
  }
  return depth > 0;
}

/** Text cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function cutAtWord(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const head = flat.slice(0, max - 1);
  const space = head.lastIndexOf(' ');
  const cut = space >= max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:(\-–—]+$/, '')}…`;
}

/** Whether a metric reached its target: true, false, or null when it has none. */
export function metricPassed(metric: RunMetric): boolean | null {
  if (metric.target === null) return null;
  return metric.better === 'lower' ? metric.value <= metric.target : metric.value >= metric.target;
}

/** `macro_f1 0.8929 ✓ ≥ 0.85`, `loss 0.31 ✗ ≤ 0.2`, or `accuracy 0.91` without a target; short: no target. */
export function metricText(metric: RunMetric, form: 'full' | 'short' = 'full'): string {
  const value = `${metric.name} ${formatMetric(metric.value)}`;
  const passed = metricPassed(metric);
  if (passed === null || metric.target === null) return value;
  const mark = `${value} ${passed ? '✓' : '✗'}`;
  if (form === 'short') return mark;
  const against =
    metric.baseline === undefined ? '' : ` (${metric.baseline.label} ${formatMetric(metric.baseline.value)})`;
  return `${mark} ${metric.better === 'lower' ? '≤' : '≥'} ${formatMetric(metric.target)}${against}`;
}

/** One evaluation in a sentence: "Attempt 1 scored 0.79 — below the 0.85 target". */
export function evaluationSentence(metric: RunMetric): string {
  const who = metric.attempt === null ? 'The evaluation' : `Attempt ${metric.attempt}`;
  const scored = `${who} scored ${metric.name} ${formatMetric(metric.value)}`;
  const passed = metricPassed(metric);
  if (passed === null || metric.target === null) return scored;
  const target = formatMetric(metric.target);
  if (metric.baseline !== undefined) {
    const base = `${metric.baseline.label} (${formatMetric(metric.baseline.value)})`;
    return passed
      ? `${scored} — beats ${base} by the margin asked`
      : `${scored} — does not beat ${base} by the margin asked (needs ${target})`;
  }
  if (passed) return `${scored} — reaches the ${target} target`;
  return `${scored} — ${metric.better === 'lower' ? 'above' : 'below'} the ${target} target`;
}
