// Detects a loop that goes nowhere: the same call with the same result again and again, or a short
// cycle of calls (A, B, A, B…) whose results do not change. Polling whose results change is progress.
// Pure functions over the recent calls, and their state folded from the run's events (so a resumed
// run remembers what it repeated, and that it was warned).
import { createHash } from 'node:crypto';
import type { Content, RunEvent } from '../../shared/events';

export interface CallRecord {
  tool: string;
  args: unknown;
  output: string;
}

/** Sorts object keys so that `{a,b}` and `{b,a}` are the same call. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export function fingerprint(call: CallRecord): string {
  return createHash('sha256')
    .update(call.tool)
    .update('\0')
    .update(canonical(call.args))
    .update('\0')
    .update(call.output)
    .digest('hex');
}

/**
 * How many times the most recent pattern has repeated back to back: 1 means no repetition. A pattern
 * is a cycle of 1 to `maxCycle` calls with identical fingerprints (tool, arguments and result).
 */
export function repetitions(calls: readonly CallRecord[], maxCycle = 3): { cycle: number; times: number } {
  // Only the recent window can hold a pattern long enough to matter.
  const prints = calls.slice(-maxCycle * (STALL_AT + 1)).map(fingerprint);
  let best = { cycle: 1, times: 1 };
  for (let cycle = 1; cycle <= maxCycle; cycle++) {
    let times = 1;
    while (prints.length >= cycle * (times + 1) && sameBlock(prints, cycle, times)) times++;
    if (times > best.times) best = { cycle, times };
  }
  return best;
}

function sameBlock(prints: readonly string[], cycle: number, times: number): boolean {
  const end = prints.length;
  for (let offset = 0; offset < cycle; offset++) {
    if (prints[end - 1 - offset] !== prints[end - 1 - offset - cycle * times]) return false;
  }
  return true;
}

export type GuardVerdict = { kind: 'ok' } | { kind: 'warn'; message: string } | { kind: 'stall'; message: string };

export const WARN_AT = 3;
export const STALL_AT = 5;
/** The calls a pattern can span (cycles of up to 3, repeated up to STALL_AT + 1 times). */
const WINDOW = 3 * (STALL_AT + 1);

export function guardVerdict(calls: readonly CallRecord[], warned: boolean): GuardVerdict {
  const { cycle, times } = repetitions(calls);
  if (times < WARN_AT) return { kind: 'ok' };
  const pattern = cycle === 1 ? `the same ${calls.at(-1)!.tool} call` : `the same cycle of ${cycle} calls`;
  if (times >= STALL_AT || (warned && times > WARN_AT)) {
    return { kind: 'stall', message: `The agent repeated ${pattern} ${times} times with identical results.` };
  }
  return {
    kind: 'warn',
    message: `You have made ${pattern} ${times} times in a row and got identical results each time. Repeating it will not change the outcome: read the result, change the approach, or finish with what you know.`,
  };
}

const text = (content: Content): string => (typeof content === 'string' ? content : content.preview);

/**
 * The guard's state as the run's events give it: the calls that ran, in order, and whether the model
 * was warned at the last check. A check happens after each turn's calls, so the fold repeats it at the
 * next model call; a person who lets a stalled run go on starts the count afresh.
 */
export class GuardState {
  private calls: CallRecord[] = [];
  private readonly started = new Map<string, { tool: string; args: unknown }>();
  private readonly stallQuestions = new Set<string>();
  private warned = false;
  private counted = 0;
  private checked = 0;
  /** The call that finished last: a question about a stall is named after it. */
  lastCallId: string | undefined;

  observe(event: RunEvent): void {
    if (event.type === 'tool.started') this.started.set(event.payload.callId, event.payload);
    if (event.type === 'tool.finished') {
      const call = this.started.get(event.payload.callId);
      if (call === undefined) return;
      this.calls.push({ tool: call.tool, args: call.args, output: text(event.payload.output) });
      this.calls = this.calls.slice(-WINDOW);
      this.counted += 1;
      this.lastCallId = event.payload.callId;
    }
    if (event.type === 'model.started' && this.counted > this.checked) {
      this.warned = this.verdict().kind !== 'ok';
      this.checked = this.counted;
    }
    if (event.type === 'approval.requested' && event.payload.kind === 'stall')
      this.stallQuestions.add(event.payload.callId);
    if (event.type === 'approval.resolved' && this.stallQuestions.has(event.payload.callId)) {
      if (event.payload.decision === 'approved') this.calls = [];
      this.warned = false;
    }
  }

  /** What the guard makes of the calls so far. */
  verdict(): GuardVerdict {
    return guardVerdict(this.calls, this.warned);
  }
}
