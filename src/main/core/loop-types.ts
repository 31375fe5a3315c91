// What an agent loop is given and what it gives back: its dependencies (all interfaces core declares),
// the checks a host may add (a replay's), and how a run ended.
import type { EventDraft, RunEvent, RunStatus } from '../../shared/events';
import type { LoopConfig } from '../../shared/loop-config';
import type { ModelProfile } from '../../shared/model-profiles';
import type { ModelInfo, ModelProvider, TokenUsage } from './model';
import type { ParkingPort } from './parking';
import type { ApprovalGate, Clock, RunLog, WorkspaceSnapshotter } from './ports';
import type { Redactor } from './redact';
import type { LoopProgress, Recorder } from './recorder';
import type { ToolDefinition, Workspace } from './tool';

export interface LoopDeps {
  log: RunLog;
  provider: ModelProvider;
  /** The full model name, `provider/model`, as recorded. */
  modelName: string;
  /** The model's name within its provider. */
  model: string;
  modelInfo: ModelInfo;
  /** How the model is run (temperature, thinking, tools as text, compact tool descriptions); none: as the server likes. */
  profile?: ModelProfile;
  tools: readonly ToolDefinition[];
  workspace: Workspace;
  gate: ApprovalGate;
  systemPrompt: string;
  price(usage: TokenUsage): number;
  clock: Clock;
  /**
   * The run's recorder, shared with everything else that records for the run (the host subscribes to
   * it). Without one the loop makes its own over `log`, with `redact` and `onProgress`.
   */
  recorder?: Recorder;
  onProgress?: (progress: LoopProgress) => void;
  /** Removes secrets from everything recorded, and so from what the model is sent back. */
  redact?: Redactor;
  /** Captures the workspace at the start and after each call that may change it (for forks). */
  snapshots?: WorkspaceSnapshotter;
  /** Judges the run as it goes (a replay compares each tool result with its recording). */
  check?: LoopCheck;
  /** How long a model call may go without a word from the server before it is given up (default 30 min). */
  modelIdleMs?: number;
  /** Parks the loop (no model call) while a GPU job holds the GPU its model needs. */
  parking?: ParkingPort;
}

/** A tool call as it finished, for a LoopCheck. */
export interface ToolResult {
  callId: string;
  tool: string;
  input: unknown;
  output: string;
  isError: boolean;
}

/**
 * What a check makes of a moment of the run: events to record, and maybe the end of the run once the
 * current step is done. `handover` ends this loop without recording a status, so that another loop
 * (a live model after a replay) goes on with the same run.
 */
export interface CheckVerdict {
  record: EventDraft[];
  end?: LoopOutcome | 'handover';
}

export interface LoopCheck {
  beforeModel?(): CheckVerdict | undefined;
  afterTool?(result: ToolResult): CheckVerdict | undefined;
}

export interface LoopOutcome {
  status: RunStatus;
  reason: string | null;
}

/** What a step of the loop leads to: another step, a compaction first, or the end of the run. */
export type Next =
  | { kind: 'continue' }
  /** `overflow`: the model refused the conversation as too long for its context window. */
  | { kind: 'compact'; overflow: boolean }
  /** A `running` outcome hands the run over to another loop without recording a status. */
  | { kind: 'stop'; outcome: LoopOutcome };

export const CONTINUE: Next = { kind: 'continue' };

export function stop(outcome: LoopOutcome): Next {
  return { kind: 'stop', outcome };
}

/** What the parts of a loop (its tool calls, its stall question) share of the loop that runs them. */
export interface LoopContext {
  readonly deps: LoopDeps;
  readonly runId: string;
  readonly config: LoopConfig;
  /** The run's events so far, kept up to date as anything records for the run. */
  readonly events: readonly RunEvent[];
  record(drafts: EventDraft[]): RunEvent[];
  /** A message from the harness to the model. */
  harness(text: string): void;
}
