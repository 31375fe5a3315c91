// The agent loop: ask the model, run the tools it calls (approved by rule or by a person), feed the
// results back, repeat until it answers without tools or a stop rule fires. Every step is an event in
// the run log before anything else hears of it; a run can be resumed from its events alone.
import type { EventDraft, RunEvent, RunStatus } from '../../shared/events';
import type { ApprovalRule, LoopConfig } from '../../shared/loop-config';
import { pendingApprovals } from '../../shared/pending-approvals';
import { emptySummary, summarizeInto, type RunSummary } from '../../shared/run-summary';
import { decideApproval } from './approvals';
import { compactionPlan, summarizeForCompaction } from './compaction';
import { buildConversation, danglingCalls, estimateTokens } from './conversation';
import { judge, type CallRecord } from './loop-guard';
import {
  ProviderError,
  type ChatMessage,
  type ModelInfo,
  type ModelProvider,
  type ToolCallRequest,
  type TokenUsage,
  type ToolSpec,
} from './model';
import type { ApprovalDecision, ApprovalGate, Clock, RunLog, WorkspaceSnapshotter } from './ports';
import { createRedactor, type Redactor } from './redact';
import { RunRecorder, type LoopProgress, type Recorder } from './recorder';
import { isMutating, riskOf, WorkspaceError, type ToolDefinition, type ToolOutput, type Workspace } from './tool';
import { parseCall, toolSpecs, validateInput, type ParsedCall } from './tool-router';
import { providerReason, retryDelay, streamTurn, type ModelTurn } from './model-turn';

export type { LoopProgress } from './recorder';

export interface LoopDeps {
  log: RunLog;
  provider: ModelProvider;
  /** The full model name, `provider/model`, as recorded. */
  modelName: string;
  /** The model's name within its provider. */
  model: string;
  modelInfo: ModelInfo;
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

/** A call cleared to run, with the input it runs with (the person may have edited it). */
interface ReadyCall {
  call: ToolCallRequest;
  tool: ToolDefinition;
  input: unknown;
}

/** A call a rule says to ask a person about. */
interface Ask extends ReadyCall {
  rule: string;
}

class Stop extends Error {
  constructor(readonly outcome: LoopOutcome) {
    super(outcome.reason ?? outcome.status);
  }
}

const COMPACT_AT = 0.8;
const SILENT_TURN_NUDGE =
  'You ended your turn without a word after the tool results. Go on with the task, or say that you are done and what you found.';

/** What the model reads when a call is rejected, by who or what rejected it. */
const REJECTED_BY = {
  person: 'The person rejected this call',
  policy: "The run's approval policy rejected this call",
  'no-terminal': 'This call was not run: there was no terminal to ask the person on',
} as const;

export class AgentLoop {
  private events: RunEvent[] = [];
  private summary: RunSummary;
  private readonly calls: CallRecord[] = [];
  private warned = false;
  private malformedStreak = 0;
  private compactRequested = false;
  /** Rules the person added while the run went on ("always allow this"), newest first. */
  private readonly addedRules: ApprovalRule[] = [];
  /** Set by a check: how the run ends once the current step is done. */
  private ending: LoopOutcome | 'handover' | undefined;
  /** Set when the log refused an append (a full disk, a read-only folder): nothing more can be recorded. */
  private logFailure: { error: unknown } | undefined;
  private readonly recorder: Recorder;

  constructor(
    private readonly deps: LoopDeps,
    readonly runId: string,
    private readonly config: LoopConfig,
  ) {
    this.summary = emptySummary(runId, deps.clock.now());
    this.recorder = deps.recorder ?? ownRecorder(deps, runId);
  }

  /** Asks for a compaction before the next model call. */
  requestCompaction(): void {
    this.compactRequested = true;
  }

  async run(signal: AbortSignal): Promise<LoopOutcome> {
    this.load();
    // Whoever records for the run (this loop, a tool, the evaluation gate), the loop's state follows.
    const unwatch = this.recorder.watch((progress) => {
      if (progress.type !== 'event') return;
      this.events.push(progress.event);
      summarizeInto(this.summary, progress.event);
    });
    try {
      return await this.drive(signal);
    } finally {
      unwatch();
    }
  }

  private async drive(signal: AbortSignal): Promise<LoopOutcome> {
    try {
      this.setStatus('running');
      const snapshot = await this.deps.snapshots?.capture({});
      if (snapshot !== undefined) this.record([{ type: 'workspace.snapshot', payload: snapshot }]);
      await this.settleDangling(signal);
      for (;;) await this.step(signal);
    } catch (error) {
      // Recording that the run failed would fail the same way; the caller says why, and the run can
      // be resumed from what was saved once the log takes appends again.
      if (this.logFailure !== undefined) throw this.logFailure.error;
      const outcome = this.outcomeOf(error, signal);
      // A handover leaves the run running for the loop that takes it over.
      if (outcome.status !== 'running') this.setStatus(outcome.status, outcome.reason ?? undefined);
      return outcome;
    }
  }

  private load(): void {
    this.events = this.deps.log.loadEvents(this.runId);
    for (const event of this.events) summarizeInto(this.summary, event);
    const names = new Map<string, { tool: string; args: unknown }>();
    for (const event of this.events) {
      if (event.type === 'tool.started')
        names.set(event.payload.callId, { tool: event.payload.tool, args: event.payload.args });
      if (event.type === 'tool.finished' && !event.payload.isError) {
        const call = names.get(event.payload.callId);
        const output = typeof event.payload.output === 'string' ? event.payload.output : event.payload.output.preview;
        if (call !== undefined) this.calls.push({ ...call, output });
      }
    }
  }

  private record(drafts: EventDraft[]): RunEvent[] {
    try {
      return this.recorder.record(drafts);
    } catch (error) {
      this.logFailure = { error };
      throw error;
    }
  }

  private setStatus(status: RunStatus, reason?: string): void {
    if (this.summary.status === status && reason === undefined && this.summary.eventCount > 1) return;
    this.record([{ type: 'run.status', payload: reason === undefined ? { status } : { status, reason } }]);
  }

  private harness(text: string): void {
    this.record([{ type: 'message.user', payload: { text, source: 'harness' } }]);
  }

  private async step(signal: AbortSignal): Promise<void> {
    this.endIfChecked();
    this.checkLimits(signal);
    await this.maybeCompact(signal);
    this.applyVerdict(this.deps.check?.beforeModel?.());
    this.endIfChecked();
    const turn = await this.callModel(signal);
    if (turn.calls.length === 0) {
      if (turn.finish === 'length') {
        this.harness('Your reply was cut off by the output limit. Continue where you stopped, more briefly.');
        return;
      }
      if (this.silentAfterTools(turn)) {
        this.harness(SILENT_TURN_NUDGE);
        return;
      }
      throw new Stop({ status: 'finished', reason: null });
    }
    await this.runCalls(turn, signal);
    this.endIfChecked();
    this.checkGuard();
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

  private endIfChecked(): void {
    if (this.ending === 'handover') throw new Stop({ status: 'running', reason: null });
    if (this.ending !== undefined) throw new Stop(this.ending);
  }

  private checkLimits(signal: AbortSignal): void {
    if (signal.aborted) throw signal.reason;
    const { maxSteps, budget } = this.config;
    const used = this.summary.inputTokens + this.summary.outputTokens;
    if (this.summary.steps >= maxSteps)
      throw new Stop({ status: 'stopped', reason: `Step limit of ${maxSteps} reached.` });
    if (budget.tokens !== undefined && used >= budget.tokens) {
      throw new Stop({ status: 'stopped', reason: `Token budget of ${budget.tokens} reached (${used} used).` });
    }
    if (budget.costUsd !== undefined && this.summary.cost >= budget.costUsd) {
      const spent = this.summary.cost.toFixed(4);
      throw new Stop({ status: 'stopped', reason: `Cost budget of $${budget.costUsd} reached ($${spent} spent).` });
    }
    const elapsed = this.deps.clock.now() - this.summary.createdAt;
    if (budget.wallMs !== undefined && elapsed >= budget.wallMs) {
      throw new Stop({ status: 'stopped', reason: `Time budget of ${Math.round(budget.wallMs / 1000)} s reached.` });
    }
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

  private async maybeCompact(signal: AbortSignal, force = false): Promise<boolean> {
    const tokens = estimateTokens(this.messages());
    const limit = this.deps.modelInfo.contextLength * COMPACT_AT;
    if (!force && !this.compactRequested && tokens < limit) return false;
    this.compactRequested = false;
    const plan = compactionPlan(this.events, this.deps.modelInfo.contextLength);
    if (plan === undefined) return false;
    const summary = await summarizeForCompaction(this.deps, plan.middle, signal);
    const payload = { tokensBefore: tokens, tokensAfter: 0, summary, keepFromSeq: plan.keepFromSeq };
    // The event as it will be stored (the next seq), to measure what the model will be sent after it.
    const next: RunEvent = {
      type: 'context.compacted',
      payload,
      runId: this.runId,
      seq: this.summary.lastSeq + 1,
      time: 0,
    };
    payload.tokensAfter = estimateTokens([
      { role: 'system', content: this.deps.systemPrompt },
      ...buildConversation([...this.events, next]),
    ]);
    this.record([{ type: 'context.compacted', payload }]);
    return true;
  }

  private async callModel(signal: AbortSignal): Promise<ModelTurn> {
    let compacted = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.streamOnce(signal);
      } catch (error) {
        if (signal.aborted || !(error instanceof ProviderError)) throw error;
        const wait = retryDelay(error, attempt);
        if (error.kind === 'context_overflow' && !compacted) {
          compacted = await this.maybeCompact(signal, true);
          if (compacted) continue;
        }
        if (wait === undefined) throw new Stop({ status: 'failed', reason: providerReason(error) });
        await this.deps.clock.sleep(wait, signal);
      }
    }
  }

  private streamOnce(signal: AbortSignal): Promise<ModelTurn> {
    const callId = `call_${this.summary.steps + 1}_${this.summary.lastSeq + 1}`;
    const request = { messages: this.messages(), tools: this.toolSpecs(), signal };
    const stream = (delta: string) => this.recorder.stream({ type: 'text', delta });
    return streamTurn({ deps: this.deps, callId, record: (drafts) => this.record(drafts), stream }, request);
  }

  private availableTools(): readonly ToolDefinition[] {
    const allowed = this.config.tools;
    return allowed === undefined ? this.deps.tools : this.deps.tools.filter((tool) => allowed.includes(tool.name));
  }

  /** The tools' JSON schemas, built once: they do not change during a run. */
  private specs: ToolSpec[] | undefined;
  private toolSpecs(): ToolSpec[] {
    this.specs ??= toolSpecs(this.availableTools());
    return this.specs;
  }

  private async runCalls(turn: ModelTurn, signal: AbortSignal): Promise<void> {
    const parsed = turn.calls.map((call) => ({
      call,
      parsed: parseCall(call, this.availableTools(), turn.finish === 'length'),
    }));
    const malformed = parsed.filter(({ parsed: result }) => !result.ok).length;
    this.malformedStreak = malformed > 0 ? this.malformedStreak + 1 : 0;
    const ready: ReadyCall[] = [];
    const asks: Ask[] = [];
    for (const { call, parsed: result } of parsed) {
      const screened = this.screen(call, result);
      if (screened?.kind === 'run') ready.push(screened);
      if (screened?.kind === 'ask') asks.push(screened);
    }
    const answered = await this.askPeople(asks, signal);
    // Run in the order the model made the calls, however the approvals came back.
    const order = new Map(turn.calls.map((call, index) => [call.id, index]));
    const approved = [...ready, ...answered].sort((a, b) => order.get(a.call.id)! - order.get(b.call.id)!);
    await this.execute(approved, signal);
    if (this.malformedStreak >= 2) {
      this.malformedStreak = 0;
      this.harness(
        'Several tool calls in a row could not be used. Call one tool at a time with a single JSON object that matches its schema, and read the error messages above before retrying.',
      );
    }
  }

  /** Decides a call by rule: run it, ask a person, or record why it will not run (undefined). */
  private screen(
    call: ToolCallRequest,
    parsed: ParsedCall,
  ): (ReadyCall & { kind: 'run' }) | (Ask & { kind: 'ask' }) | undefined {
    if (!parsed.ok) {
      this.record([
        {
          type: 'tool.started',
          payload: { callId: call.id, tool: call.name.slice(0, 512) || '(none)', args: parsed.args },
        },
        { type: 'tool.finished', payload: { callId: call.id, output: parsed.error, isError: true } },
      ]);
      return undefined;
    }
    const { tool, input } = parsed;
    const rules = [...this.addedRules, ...this.config.rules];
    const verdict = decideApproval(rules, tool.name, riskOf(tool, input), input);
    if (verdict.action === 'allow') return { kind: 'run', call, tool, input };
    if (verdict.action === 'ask') return { kind: 'ask', call, tool, input, rule: verdict.rule };
    this.record([
      { type: 'tool.started', payload: { callId: call.id, tool: tool.name, args: parsed.args } },
      {
        type: 'tool.finished',
        payload: {
          callId: call.id,
          output: `Not run: denied by the rule "${verdict.rule}". Do something else or finish.`,
          isError: true,
        },
      },
    ]);
    return undefined;
  }

  /**
   * Asks a person about every call that needs it at once (they may answer them together), records
   * each answer as it comes, and returns the approved calls with the input to run.
   */
  private async askPeople(asks: readonly Ask[], signal: AbortSignal): Promise<ReadyCall[]> {
    if (asks.length === 0) return [];
    const requests = asks.map((ask) => ({ ...ask, summary: ask.tool.summarize(ask.input) }));
    // After a restart the request is already in the record; it is asked again, not recorded again.
    const pending = new Set(pendingApprovals(this.events).map((approval) => approval.callId));
    this.record([
      ...requests
        .filter(({ call }) => !pending.has(call.id))
        .map(({ call, tool, summary, rule }): EventDraft => ({
          type: 'approval.requested',
          payload: { callId: call.id, tool: tool.name, summary, rule },
        })),
      { type: 'run.status', payload: { status: 'waiting' } },
    ]);
    const answered = await Promise.all(
      requests.map(async (request) => {
        const { call, tool, input, summary, rule } = request;
        const decision = await this.deps.gate.decide(
          { runId: this.runId, callId: call.id, tool: tool.name, input, summary, rule },
          signal,
        );
        return this.recordDecision(request, decision);
      }),
    );
    this.record([{ type: 'run.status', payload: { status: 'running' } }]);
    return answered.filter((ready): ready is ReadyCall => ready !== undefined);
  }

  private recordDecision(ask: Ask, decision: ApprovalDecision): ReadyCall | undefined {
    const { call, tool, input } = ask;
    if (decision.decision === 'rejected') {
      const feedback = decision.feedback?.trim() || 'no reason given';
      this.record([
        { type: 'approval.resolved', payload: { callId: call.id, decision: 'rejected', feedback } },
        {
          type: 'tool.finished',
          payload: { callId: call.id, output: `${REJECTED_BY[decision.by ?? 'person']}: ${feedback}`, isError: true },
        },
      ]);
      return undefined;
    }
    if (decision.addRule !== undefined) {
      this.addedRules.unshift(decision.addRule);
      this.record([{ type: 'run.rule', payload: { rule: decision.addRule, callId: call.id } }]);
    }
    this.record([{ type: 'approval.resolved', payload: { callId: call.id, decision: 'approved' } }]);
    if (decision.editedInput === undefined) return { call, tool, input };
    const edited = validateInput(tool, decision.editedInput);
    if (edited.ok) return { call, tool, input: edited.input };
    this.record([{ type: 'tool.finished', payload: { callId: call.id, output: edited.error, isError: true } }]);
    return undefined;
  }

  /** Read-only calls next to each other run together; anything that changes state runs alone, in order. */
  private async execute(calls: readonly ReadyCall[], signal: AbortSignal): Promise<void> {
    let index = 0;
    while (index < calls.length) {
      let end = index + 1;
      if (!isMutating(calls[index]!.tool)) while (end < calls.length && !isMutating(calls[end]!.tool)) end++;
      await Promise.all(calls.slice(index, end).map((item) => this.runTool(item.call, item.tool, item.input, signal)));
      index = end;
    }
  }

  private async runTool(
    call: ToolCallRequest,
    tool: ToolDefinition,
    input: unknown,
    signal: AbortSignal,
  ): Promise<void> {
    this.record([{ type: 'tool.started', payload: { callId: call.id, tool: tool.name, args: input } }]);
    let result: ToolOutput;
    try {
      result = await tool.run(input, {
        runId: this.runId,
        callId: call.id,
        signal,
        workspace: this.deps.workspace,
        progress: (chunk) => this.recorder.stream({ type: 'tool-output', callId: call.id, chunk }),
        record: (drafts) => this.record([...drafts]),
        setPlan: (items) => this.record([{ type: 'plan.updated', payload: { items } }]),
      });
    } catch (error) {
      if (signal.aborted) {
        this.record([
          {
            type: 'tool.finished',
            payload: { callId: call.id, output: 'Interrupted before it finished.', isError: true },
          },
        ]);
        throw signal.reason;
      }
      const message =
        error instanceof WorkspaceError
          ? error.message
          : `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`;
      result = { output: message, isError: true };
    }
    // Recorded just before the result: the latest snapshot at or before a seq is the workspace at that seq.
    const snapshot = isMutating(tool) ? await this.deps.snapshots?.capture({ callId: call.id }) : undefined;
    const isError = result.isError ?? false;
    const finished = this.record([
      ...(snapshot === undefined ? [] : [{ type: 'workspace.snapshot' as const, payload: snapshot }]),
      { type: 'tool.finished', payload: { callId: call.id, output: result.output, isError } },
    ]).at(-1);
    this.calls.push({ tool: tool.name, args: input, output: result.output });
    // What was recorded (secrets removed) is what a check compares.
    const output = finished?.type === 'tool.finished' ? finished.payload.output : result.output;
    const recorded = typeof output === 'string' ? output : result.output;
    this.applyVerdict(
      this.deps.check?.afterTool?.({ callId: call.id, tool: tool.name, input, output: recorded, isError }),
    );
  }

  private checkGuard(): void {
    const verdict = judge(this.calls, this.warned);
    if (verdict.kind === 'ok') {
      this.warned = false;
      return;
    }
    if (verdict.kind === 'stall') throw new Stop({ status: 'stalled', reason: verdict.message });
    this.warned = true;
    this.harness(verdict.message);
  }

  /** After a crash or an interrupt: re-ask pending approvals, close calls that were cut off. */
  private async settleDangling(signal: AbortSignal): Promise<void> {
    const started = this.events.findLast((event) => event.type === 'model.started');
    if (
      started?.type === 'model.started' &&
      !this.events.some((event) => event.type === 'model.finished' && event.payload.callId === started.payload.callId)
    ) {
      const usage = { inputTokens: 0, outputTokens: 0, cost: 0 };
      const error = 'The run stopped before this reply was complete.';
      this.record([
        {
          type: 'model.finished',
          payload: {
            callId: started.payload.callId,
            text: '',
            toolCalls: [],
            finishReason: 'interrupted',
            usage,
            error,
          },
        },
      ]);
    }
    const dangling = danglingCalls(this.events);
    if (dangling.length === 0) return;
    const pending = new Set(pendingApprovals(this.events).map((approval) => approval.callId));
    const reply = this.events.findLast((event) => event.type === 'model.finished');
    const requests = reply?.type === 'model.finished' ? reply.payload.toolCalls : [];
    const asks: Ask[] = [];
    for (const { callId, tool } of dangling) {
      const request = requests.find((call) => call.id === callId)!;
      const call: ToolCallRequest = { id: callId, name: tool, arguments: JSON.stringify(request.args ?? {}) };
      if (!pending.has(callId)) {
        this.record([
          {
            type: 'tool.finished',
            payload: {
              callId,
              output:
                'Interrupted: this call did not finish before the run stopped. Run it again if it is still needed.',
              isError: true,
            },
          },
        ]);
        continue;
      }
      const parsed = parseCall(call, this.availableTools(), false);
      if (parsed.ok) asks.push({ call, tool: parsed.tool, input: parsed.input, rule: 'asked again after a restart' });
    }
    await this.execute(await this.askPeople(asks, signal), signal);
  }

  private outcomeOf(error: unknown, signal: AbortSignal): LoopOutcome {
    if (error instanceof Stop) return error.outcome;
    if (signal.aborted) return { status: 'interrupted', reason: 'Interrupted by the person.' };
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failed', reason: `Looplab failed: ${message}` };
  }
}

/** The recorder of a loop that was given none: over its log, with its redactor (token shapes at least). */
function ownRecorder(deps: LoopDeps, runId: string): Recorder {
  const recorder = new RunRecorder(deps.log, runId, deps.redact ?? createRedactor([]));
  if (deps.onProgress !== undefined) recorder.watch(deps.onProgress);
  return recorder;
}
