// What the loop needs from the outside, declared here so that core never depends on an adapter: the
// run log (the event store), a gate where a person approves calls, and a clock.
import type { EventDraft, EventPayload, RunEvent } from '../../shared/events';
import type { ApprovalRule } from '../../shared/loop-config';
import type { ApprovalKind } from '../../shared/pending-approvals';
import type { ToolRisk } from './tool';

export interface RunLog {
  append(runId: string, drafts: readonly EventDraft[]): RunEvent[];
  /** The run's events in order, large text inline. */
  loadEvents(runId: string): RunEvent[];
}

export interface ApprovalRequest {
  /** `call`: may this tool call run? `stall`: the run repeats `tool`; may it go on (approved) or stop? */
  kind: ApprovalKind;
  runId: string;
  /** The tool call's id; for a stall, the question's own id. */
  callId: string;
  tool: string;
  input: unknown;
  summary: string;
  rule: string;
  /** The call's risk; a `publish` is never approved by a headless policy. */
  risk?: ToolRisk;
}

export type ApprovalDecision =
  | {
      decision: 'approved';
      editedInput?: unknown;
      /** Applies to this run from now on. */
      addRule?: ApprovalRule;
      /** A note the model reads (letting a stalled run go on: what to do differently). */
      feedback?: string;
    }
  | {
      decision: 'rejected';
      feedback?: string;
      /** Who or what rejected it (the model is told): the person, unless a policy or a missing terminal did. */
      by?: 'person' | 'policy' | 'no-terminal';
    };

export interface ApprovalGate {
  /** Resolves when a person (or the headless policy) decides; rejects when the signal aborts. */
  decide(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalDecision>;
  /** Set where a person can be asked (the app, a terminal): a publish is never put to an unattended gate. */
  asksPeople?: boolean;
}

/** Captures the run's workspace after a step that may have changed it (by the harness, not the model). */
export interface WorkspaceSnapshotter {
  /** What to record, or undefined when the workspace is as last recorded. Never throws. */
  capture(origin: { callId?: string }): Promise<EventPayload<'workspace.snapshot'> | undefined>;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    }),
};
