// Prints one benchmark figure beside the baseline measured in the same run, and whether it meets its target.
export interface Baseline {
  label: string;
  value: number;
}

export interface Target {
  target: string;
  met: (value: number) => boolean;
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: Baseline;
  target?: string;
  met?: boolean;
}

export const figures: Figure[] = [];

/** Benchmarks that could not run here (no Docker, no Chromium), with why: each is a target not shown met. */
export const notMeasured: { name: string; reason: string }[] = [];

export function skip(name: string, reason: string): void {
  notMeasured.push({ name, reason });
  console.log(`${name}: NOT MEASURED (${reason})`);
}

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}

export function report(name: string, value: number, unit: string, baseline: Baseline, target?: Target): void {
  const figure: Figure = { name, value, unit, baseline };
  if (target !== undefined) {
    figure.target = target.target;
    figure.met = target.met(value);
  }
  figures.push(figure);
  const verdict = target === undefined ? '' : `  target ${target.target}: ${figure.met ? 'met' : 'NOT MET'}`;
  console.log(
    `${name}: ${format(value)} ${unit}  (baseline, ${baseline.label}: ${format(baseline.value)} ${unit})${verdict}`,
  );
}

export function time(work: () => unknown): number {
  const start = performance.now();
  work();
  return performance.now() - start;
}
