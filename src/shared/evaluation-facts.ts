// What a graph's evaluation node says: an attempt's score against its target (and the baseline that set it).

/** What the harness's evaluation of one attempt found. */
export interface EvaluationFacts {
  metric: string;
  /** Null when the evaluation gave no value (it failed). */
  value: number | null;
  target: number | null;
  attempt: number | null;
  better: 'higher' | 'lower';
  /** Whether the value reached the target; null without a target or a value. */
  passed: boolean | null;
  /** The baseline the target came from (beaten by a margin), when the gate names one. */
  baseline?: { label: string; value: number };
}

export function reached(value: number, target: number | undefined, better: 'higher' | 'lower'): boolean | null {
  if (target === undefined) return null;
  return better === 'lower' ? value <= target : value >= target;
}
