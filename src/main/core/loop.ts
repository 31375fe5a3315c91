// The agent loop: ask the model, run the tools it calls (approved by rule or by a person), feed the
// results back, repeat until it answers without tools or a stop rule fires. Every step is an event in
// the run log before anything else hears of it; a run can be resumed from its events alone.
import type { EventDraft, RunEvent, RunStatus } from '../../shared/events';
import type { LoopConfig } from '../../shared/loop-config';
import { pendingApprovals } from '../../shared/pending-approvals';
import { emptySummary, summarizeInto, type RunSummary } from '../../shared/run-summary';
import { compact } from './compaction';
import { buildConversation, closeCutReply, estimateTokens } from './conversation';
import { limitReached } from './limits';
import { GuardState } from './loop-guard';
import {
  CONTINUE,
  stop,
  type CheckVerdict,
  type LoopContext,
  type LoopDeps,
  type LoopOutcome,
  type Next,
} from './loop-types';
import type { ChatMessage, ToolSpec } from './model';
import { providerReason, retrying, type ModelTurn } from './model-reply';
import { streamTurn } from './model-turn';
import { waitWhileParked } from './parking';
import { createRedactor } from './redact';
import { RunRecorder, type Recorder, type StreamedProgress } from './recorder';
import { askToGoOn, recordedStallQuestion, stallQuestion } from './stall-question';
import type { ToolDefinition } from './tool';
import { ToolCalls, type CallsHost } from './tool-calls';
import { toolSpecs } from './tool-router';

export type { LoopProgress } from './recorder';
export type { CheckVerdict, LoopCheck, LoopDeps, LoopOutcome, ToolResult } from './loop-types';

const COMPACT_AT = 0.8;
const SILENT_TURN_NUDGE =
  'You ended your turn without a word after the tool results. Go on with the task, or say that you are done and what you found.';
const CUT_OFF_NUDGE = 'Your reply was cut off by the output limit. Continue where you stopped, more briefly.';

export class AgentLoop implements LoopContext, CallsHost {
  events: RunEvent[] = [];
  private summary: RunSummary;
  private readonly guard = new GuardState();
  private compactRequested = false;
  /** The event count after the last compaction (or finding nothing to compact): one per step at most. */
  private compactedAt = -1;
  /** Set when the model refused the conversation as too long and it was compacted for that. */
  private compactedForOverflow = false;
  /** Set by a check: how the run ends once the current step is done. */
  private ending: LoopOutcome | 'handover' | undefined;
  /** Set when the log refused an append (a full disk, a read-only folder): nothing more can be recorded. */
  private logFailure: { error: unknown } | undefined;
  private readonly recorder: Recorder;
  private readonly calls = new ToolCalls(this);

  constructor(
    readonly deps: LoopDeps,
    readonly runId: string,
    readonly config: LoopConfig,
  ) {
    this.summary = emptySummary(runId, deps.clock.now());
    this.recorder = deps.recorder ?? ownRecorder(deps, runId);
  }

  /** Asks for a compaction before the next model call. */
  requestCompaction(): void {
    this.compactRequested = true;
  }

  async run(signal: AbortSignal): Promise<LoopOutcome> {
    for (const event of this.deps.log.loadEvents(this.runId)) this.observe(event);
    // Whoever records for the run (this loop, a tool, the evaluation gate), the loop's state follows.
    const unwatch = this.recorder.watch((progress) => {
      if (progress.type === 'event') this.observe(progress.event);
    });
    try {
      const outcome = await this.drive(signal);
      // A handover leaves the run running for the loop that takes it over.
      if (outcome.status !== 'running') this.setStatus(outcome.status, outcome.reason ?? undefined);
      return outcome;
    } catch (error) {
      // Recording that the run failed would fail the same way; the caller says why, and the run can
      // be resumed from what was saved once the log takes appends again.
      if (this.logFailure !== undefined) throw this.logFailure.error;
      const outcome = outcomeOf(error, signal);
      this.setStatus(outcome.status, outcome.reason ?? undefined);
      return outcome;
    } finally {
      unwatch();
    }
  }

  private observe(event: RunEvent): void {
    this.events.push(event);
    summarizeInto(this.summary, event);
    this.guard.observe(event);
  }

  private async drive(signal: AbortSignal): Promise<LoopOutcome> {
    this.setStatus('running');
    const snapshot = await this.deps.snapshots?.capture({});
    if (snapshot !== undefined) this.record([{ type: 'workspace.snapshot', payload: snapshot }]);
    const settled = await this.settle(signal);
    if (settled !== undefined) return settled;
    for (;;) {
      const next = await this.step(signal);
      if (next.kind === 'stop') return next.outcome;
      if (next.kind === 'compact') {
        const compacted = await compact(this, estimateTokens(this.messages()), signal);
        if (typeof compacted === 'object') return compacted;
        // The model is called next even when the summary left the conversation as long as it was.
        this.compactedAt = this.events.length;
      }
    }
  }

  /** After a crash or an interrupt: close a reply cut off, settle its calls, ask an open stall question again. */
  private async settle(signal: AbortSignal): Promise<LoopOutcome | undefined> {
    const cut = closeCutReply(this.events);
    if (cut !== undefined) this.record([cut]);
    await this.calls.settleDangling(signal);
    const question = recordedStallQuestion(pendingApprovals(this.events));
    return question && (await askToGoOn(this, question, signal, { recorded: true }));
  }

  record(drafts: EventDraft[]): RunEvent[] {
    try {
      return this.recorder.record(drafts);
    } catch (error) {
      this.logFailure = { error };
      throw error;
    }
  }

  stream(progress: StreamedProgress): void {
    this.recorder.stream(progress);
  }

  private setStatus(status: RunStatus, reason?: string): void {
    if (this.summary.status === status && reason === undefined && this.summary.eventCount > 1) return;
    this.record([{ type: 'run.status', payload: reason === undefined ? { status } : { status, reason } }]);
  }

  harness(text: string): void {
    this.record([{ type: 'message.user', payload: { text, source: 'harness' } }]);
  }

  /** One step: the limits, a compaction when due, one model call and its tools, then the loop guard. */
  private async step(signal: AbortSignal): Promise<Next> {
    if (signal.aborted) throw signal.reason;
    const limit = this.checked() ?? limitReached(this.summary, this.config, this.deps.clock.now());
    if (limit !== undefined) return stop(limit);
    if (this.compactionDue()) return { kind: 'compact', overflow: false };
    this.applyVerdict(this.deps.check?.beforeModel?.());
    const checked = this.checked();
    if (checked !== undefined) return stop(checked);
    if (this.deps.parking !== undefined) await waitWhileParked(this, this.deps.parking, signal);
    const turn = await this.callModel(signal);
    if ('kind' in turn) return turn;
    if (turn.calls.length === 0) return this.afterAnswer(turn);
    await this.calls.run(turn, signal);
    const ended = this.checked();
    if (ended !== undefined) return stop(ended);
    return this.afterGuard(signal);
  }

  /** A turn without calls: the end of the run, unless it was cut off or silent after tool results. */
  private afterAnswer(turn: ModelTurn): Next {
    if (turn.finish === 'length') {
      this.harness(CUT_OFF_NUDGE);
      return CONTINUE;
    }
    if (this.silentAfterTools(turn)) {
      this.harness(SILENT_TURN_NUDGE);
      return CONTINUE;
    }
    return stop({ status: 'finished', reason: null });
  }

  /** The loop guard after a turn's calls: a warning to the model, or a question to the person. */
  private async afterGuard(signal: AbortSignal): Promise<Next> {
    const verdict = this.guard.verdict();
    if (verdict.kind === 'warn') this.harness(verdict.message);
    if (verdict.kind !== 'stall') return CONTINUE;
    const last = this.events.findLast((event) => event.type === 'tool.started');
    const tool = last?.type === 'tool.started' ? last.payload.tool : 'tool';
    const question = stallQuestion(verdict.message, this.guard.lastCallId ?? 'call', tool);
    const ended = await askToGoOn(this, question, signal, { recorded: false });
    return ended === undefined ? CONTINUE : stop(ended);
  }

  /**
   * A turn with no words and no calls right after tool results (Claude may end a turn so): not an
   * answer, so the model is asked to go on, once; a second silent turn in a row ends the run.
   */
  private silentAfterTools(turn: ModelTurn): boolean {
    if (turn.text.trim() !== '') return false;
    const current = this.events.findLastIndex((event) => event.type === 'model.finished');
    const before = this.events
      .slice(0, current)
      .findLast((event) => event.type === 'model.finished' || event.type === 'message.user');
    if (before?.type === 'message.user') return false;
    return before?.type === 'model.finished' && before.payload.toolCalls.length > 0;
  }

  private applyVerdict(verdict: CheckVerdict | undefined): void {
    if (verdict === undefined) return;
    if (verdict.record.length > 0) this.record(verdict.record);
    this.ending ??= verdict.end;
  }

  afterTool(result: Parameters<CallsHost['afterTool']>[0]): void {
    this.applyVerdict(this.deps.check?.afterTool?.(result));
  }

  /** How a check ended the run (a handover as a `running` outcome), or undefined. */
  private checked(): LoopOutcome | undefined {
    if (this.ending === 'handover') return { status: 'running', reason: null };
    return this.ending;
  }

  /** What the model is sent, rebuilt only when events were added (events are only ever appended). */
  private conversation: { eventCount: number; messages: ChatMessage[] } | undefined;
  private messages(): ChatMessage[] {
    if (this.conversation?.eventCount !== this.events.length) {
      const messages: ChatMessage[] = [
        { role: 'system', content: this.deps.systemPrompt },
        ...buildConversation(this.events),
      ];
      this.conversation = { eventCount: this.events.length, messages };
    }
    return this.conversation.messages;
  }

  private compactionDue(): boolean {
    if (this.compactedAt === this.events.length) return false;
    const due =
      this.compactRequested || estimateTokens(this.messages()) >= this.deps.modelInfo.contextLength * COMPACT_AT;
    this.compactRequested = false;
    return due;
  }

  /** One model call, retried as its failure allows; a conversation too long for the model is compacted once. */
  private async callModel(signal: AbortSignal): Promise<ModelTurn | Next> {
    const result = await retrying(() => this.streamOnce(signal), this.deps.clock, signal);
    if (result.ok) {
      this.compactedForOverflow = false;
      return result.value;
    }
    if (result.error.kind === 'context_overflow' && !this.compactedForOverflow) {
      this.compactedForOverflow = true;
      return { kind: 'compact', overflow: true };
    }
    return stop({ status: 'failed', reason: providerReason(result.error) });
  }

  private streamOnce(signal: AbortSignal): Promise<ModelTurn> {
    const callId = `call_${this.summary.steps + 1}_${this.summary.lastSeq + 1}`;
    const request = { messages: this.messages(), tools: this.toolSpecs(), signal };
    const stream = (delta: string) => this.recorder.stream({ type: 'text', delta });
    return streamTurn({ deps: this.deps, callId, record: (drafts) => this.record(drafts), stream }, request);
  }

  availableTools(): readonly ToolDefinition[] {
    const allowed = this.config.tools;
    return allowed === undefined ? this.deps.tools : this.deps.tools.filter((tool) => allowed.includes(tool.name));
  }

  /** The tools' JSON schemas, built once: they do not change during a run. */
  private specs: ToolSpec[] | undefined;
  private toolSpecs(): ToolSpec[] {
    this.specs ??= toolSpecs(this.availableTools());
    return this.specs;
  }
}

function outcomeOf(error: unknown, signal: AbortSignal): LoopOutcome {
  if (signal.aborted) return { status: 'interrupted', reason: 'Interrupted by the person.' };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'failed', reason: `Looplab failed: ${message}` };
}

/** The recorder of a loop that was given none: over its log, with its redactor (token shapes at least). */
function ownRecorder(deps: LoopDeps, runId: string): Recorder {
  const recorder = new RunRecorder(deps.log, runId, deps.redact ?? createRedactor([]));
  if (deps.onProgress !== undefined) recorder.watch(deps.onProgress);
  return recorder;
}
