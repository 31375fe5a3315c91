// Replay: a run's model turns come from a recording instead of a model server, while every tool runs
// again for real. `ReplayModel` hands out the recorded replies in order; `replayCheck` compares each
// tool result with the recorded one (normalised, see shared/replay-normalize.ts) and at the first
// difference records `replay.diverged` and stops the run or hands it to a live model; `replayGate`
// answers approvals as they were answered in the recording. Ids a tool makes anew (a job's id) are
// learnt from each matching result, and the recorded calls that name the old id are given the new one.
// What a person approved in the recording is compared with what the replay would run: the approval's
// summary and the input the call ran with. A difference is never run; the replay stops as diverged.
// The recording itself is read from the run's events by replay-recording.ts.
import { canonicalJson } from '../../shared/canonical-json';
import type { EventDraft } from '../../shared/events';
import { normalizeResult, sameResult } from '../../shared/replay-normalize';
import { argumentsText } from './conversation';
import type { CheckVerdict, LoopCheck, ToolResult } from './loop';
import { ProviderError, type ModelEvent, type ModelInfo, type ModelProvider } from './model';
import type { ApprovalDecision, ApprovalGate, ApprovalRequest } from './ports';
import type { RecordedApproval, Recording } from './replay-recording';

export {
  readRecording,
  type RecordedApproval,
  type RecordedResult,
  type RecordedTurn,
  type Recording,
} from './replay-recording';

/** What the gate and the check of one replay share: a divergence found at an approval, to record. */
export interface ReplayState {
  approvalDivergence?: EventDraft;
}

export type DivergenceMode = 'stop' | 'continue';

/** Ids a tool makes per run, which later calls name (job_start's job id). */
const MADE_ID = /\bjob_[0-9a-z]{9,}\b/g;

/** A replay never compacts on its own: the recorded turns were chosen for the recorded conversation. */
export const REPLAY_MODEL_INFO: ModelInfo = { contextLength: 1_000_000_000, supportsTools: true };

/** A model that answers with the recorded turns, in order, without calling any server. */
export class ReplayModel implements ModelProvider {
  readonly id = 'replay';
  private handedOut = 0;
  /** Recorded id → the id the same call made in this replay. */
  private readonly renamed = new Map<string, string>();

  constructor(private readonly recording: Recording) {}

  /** Turns handed out so far: the step the run is at. */
  get step(): number {
    return this.handedOut;
  }

  remaining(): number {
    return this.recording.turns.length - this.handedOut;
  }

  /** The recorded cost of the turn handed out last. */
  lastCost(): number {
    return this.recording.turns[this.handedOut - 1]?.usage.cost ?? 0;
  }

  async check(): Promise<ModelInfo> {
    return REPLAY_MODEL_INFO;
  }

  /** Pairs the made ids of a recorded result with those of the matching replayed one, in order. */
  learnIds(recorded: string, replayed: string): void {
    const before = recorded.match(MADE_ID) ?? [];
    const after = replayed.match(MADE_ID) ?? [];
    if (before.length !== after.length) return;
    before.forEach((id, index) => {
      if (id !== after[index]) this.renamed.set(id, after[index]!);
    });
  }

  /** Recorded text with the ids this replay made in place of the recorded ones. */
  renameIds(text: string): string {
    return this.renamed.size === 0 ? text : text.replace(MADE_ID, (id) => this.renamed.get(id) ?? id);
  }

  private arguments(args: unknown): string {
    return this.renameIds(argumentsText(args));
  }

  async *stream(): AsyncIterable<ModelEvent> {
    const turn = this.recording.turns[this.handedOut];
    if (turn === undefined) {
      throw new ProviderError('bad_request', `The recording has no model turn ${this.handedOut + 1}.`);
    }
    this.handedOut += 1;
    if (turn.text !== '') yield { type: 'text', delta: turn.text };
    for (const call of turn.toolCalls)
      yield { type: 'tool_call', call: { id: call.id, name: call.name, arguments: this.arguments(call.args) } };
    yield { type: 'usage', inputTokens: turn.usage.inputTokens, outputTokens: turn.usage.outputTokens };
    yield { type: 'finish', reason: turn.finish };
  }
}

/** Compares each tool result with the recording; the first difference ends the replay or hands it over. */
export function replayCheck(
  recording: Recording,
  model: ReplayModel,
  mode: DivergenceMode,
  state: ReplayState = {},
): LoopCheck {
  let diverged = false;
  const end = (reason: string): CheckVerdict['end'] =>
    mode === 'continue' ? 'handover' : { status: 'stopped', reason };
  return {
    beforeModel: () => {
      if (state.approvalDivergence !== undefined && !diverged) {
        diverged = true;
        return approvalDiverged(state.approvalDivergence);
      }
      if (diverged || model.remaining() > 0) return undefined;
      return { record: [], end: end(`The recording ends after step ${model.step}; there is nothing more to replay.`) };
    },
    afterTool: (result: ToolResult) => {
      if (diverged || state.approvalDivergence !== undefined) return undefined;
      const expected = recording.results.get(result.callId);
      if (expected !== undefined && sameResult(expected, result)) {
        model.learnIds(expected.output, result.output);
        return undefined;
      }
      diverged = true;
      const step = expected?.step ?? model.step;
      const reason = `Replay diverged at step ${step}: ${result.tool} (${result.callId}) gave a different result than the recording.`;
      return {
        record: [
          {
            type: 'replay.diverged',
            payload: {
              step,
              callId: result.callId,
              tool: result.tool,
              expected: expected?.output ?? '(no result was recorded for this call)',
              got: result.output,
              expectedError: expected?.isError ?? false,
              gotError: result.isError,
              then: mode,
            },
          },
        ],
        end: end(reason),
      };
    },
  };
}

/** Stops at a divergence the gate found: never handed to a live model, as what was approved is no longer what would run. */
function approvalDiverged(found: EventDraft): CheckVerdict {
  const where =
    found.type === 'replay.diverged'
      ? `step ${found.payload.step}: ${found.payload.tool} (${found.payload.callId})`
      : '';
  return {
    record: [found],
    end: {
      status: 'stopped',
      reason: `Replay diverged at ${where}: what runs differs from what was approved in the recording.`,
    },
  };
}

/**
 * Answers approvals as the recording did, once what the person was shown and what ran match what this
 * replay would run; calls it never asked about go to the fallback gate. An input a person edited is
 * applied again only when `trustEdits` (the run was recorded in this data folder); any other difference
 * is recorded as the replay's divergence (see replayCheck) and the call is not run.
 */
export function replayGate(
  recording: Recording,
  fallback: ApprovalGate,
  options: { model: ReplayModel; state: ReplayState; trustEdits: boolean },
): ApprovalGate {
  const { model, state } = options;
  return {
    ...(fallback.asksPeople === undefined ? {} : { asksPeople: fallback.asksPeople }),
    decide: async (request, signal) => {
      const recorded = recording.approvals.get(request.callId);
      // A publish is never approved from the recording: a person is asked again.
      if (request.risk === 'publish') return fallback.decide(request, signal);
      // A recording made before stalls were questions ended the run where the replay now asks.
      if (recorded === undefined && request.kind === 'stall') return STOPPED_AS_RECORDED;
      if (recorded === undefined) return fallback.decide(request, signal);
      if (state.approvalDivergence !== undefined)
        return { decision: 'rejected', feedback: 'Not run: the replay has diverged from its recording.' };
      const difference = approvalDifference(recorded, request, model, options.trustEdits);
      if (difference !== undefined) {
        state.approvalDivergence = {
          type: 'replay.diverged',
          payload: {
            step: model.step,
            callId: request.callId,
            tool: request.tool,
            ...difference,
            expectedError: false,
            gotError: false,
            then: 'stop',
          },
        };
        return {
          decision: 'rejected',
          feedback: 'Not run: what it runs differs from what was approved in the recording.',
        };
      }
      if (recorded.decision.decision === 'rejected' || recorded.ran === undefined) return recorded.decision;
      const ran = JSON.parse(model.renameIds(canonicalJson(recorded.ran))) as unknown;
      return canonicalJson(ran) === canonicalJson(request.input)
        ? { decision: 'approved' }
        : { decision: 'approved', editedInput: ran };
    },
  };
}

const STOPPED_AS_RECORDED: ApprovalDecision = {
  decision: 'rejected',
  by: 'policy',
  feedback: 'The recording has no answer to go on with, so the replay stops here.',
};

/** How what was approved differs from what would run now, as expected (recorded) and got (now). */
function approvalDifference(
  recorded: RecordedApproval,
  request: ApprovalRequest,
  model: ReplayModel,
  trustEdits: boolean,
): { expected: string; got: string } | undefined {
  const shown = recorded.summary === undefined ? undefined : model.renameIds(recorded.summary);
  if (shown !== request.summary)
    return { expected: `approved: ${shown ?? '(no approval was asked)'}`, got: `would run: ${request.summary}` };
  if (recorded.ran === undefined || trustEdits) return undefined;
  const ran = model.renameIds(canonicalJson(recorded.ran));
  const now = canonicalJson(request.input);
  if (ran === now) return undefined;
  return { expected: `approved and ran: ${ran}`, got: `the model's call: ${now}` };
}

/** The first line where two results differ once normalised, for a short report. */
export function firstDifference(expected: string, got: string): { line: number; expected: string; got: string } {
  const a = normalizeResult(expected).split('\n');
  const b = normalizeResult(got).split('\n');
  const length = Math.max(a.length, b.length);
  for (let index = 0; index < length; index++) {
    if (a[index] !== b[index]) return { line: index + 1, expected: a[index] ?? '', got: b[index] ?? '' };
  }
  return { line: 0, expected: '', got: '' };
}
