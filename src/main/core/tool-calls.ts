// The tool calls of one model turn: each parsed and screened by the run's rules, those a rule marks
// asked of a person (all at once), the approved ones run (read-only ones side by side, the rest in
// order) and every result recorded. Also what a restart leaves: calls cut off, approvals still open.
import type { EventDraft } from '../../shared/events';
import type { ApprovalRule } from '../../shared/loop-config';
import { pendingApprovals } from '../../shared/pending-approvals';
import { decideApproval } from './approvals';
import { danglingCalls } from './conversation';
import type { LoopContext, ToolResult } from './loop-types';
import type { ToolCallRequest } from './model';
import type { ModelTurn } from './model-reply';
import type { ApprovalDecision } from './ports';
import type { StreamedProgress } from './recorder';
import { isMutating, riskOf, WorkspaceError, type ToolDefinition, type ToolOutput } from './tool';
import { parseCall, validateInput, type ParsedCall } from './tool-router';

/** What the calls need of the loop beyond its context. */
export interface CallsHost extends LoopContext {
  availableTools(): readonly ToolDefinition[];
  stream(progress: StreamedProgress): void;
  /** Hears each finished call (as recorded, secrets removed): a check may end the run. */
  afterTool(result: ToolResult): void;
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

/** What the model reads when a call is rejected, by who or what rejected it. */
const REJECTED_BY = {
  person: 'The person rejected this call',
  policy: "The run's approval policy rejected this call",
  'no-terminal': 'This call was not run: there was no terminal to ask the person on',
} as const;

const UNATTENDED_PUBLISH: ApprovalDecision = {
  decision: 'rejected',
  by: 'policy',
  feedback: 'Publishing needs a person to approve it, and no one is asked in this run.',
};

const MALFORMED_NUDGE =
  'Several tool calls in a row could not be used. Call one tool at a time with a single JSON object that matches its schema, and read the error messages above before retrying.';

export class ToolCalls {
  private malformedStreak = 0;
  /** Rules the person added while the run went on ("always allow this"), newest first. */
  private readonly addedRules: ApprovalRule[] = [];

  constructor(private readonly host: CallsHost) {}

  private record(drafts: EventDraft[]) {
    return this.host.record(drafts);
  }

  /** Screens, asks about and runs the calls of a turn, in the order the model made them. */
  async run(turn: ModelTurn, signal: AbortSignal): Promise<void> {
    const tools = this.host.availableTools();
    const parsed = turn.calls.map((call) => ({ call, parsed: parseCall(call, tools, turn.finish === 'length') }));
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
      this.host.harness(MALFORMED_NUDGE);
    }
  }

  /** Decides a call by rule: run it, ask a person, or record why it will not run (undefined). */
  private screen(
    call: ToolCallRequest,
    parsed: ParsedCall,
  ): (ReadyCall & { kind: 'run' }) | (Ask & { kind: 'ask' }) | undefined {
    if (!parsed.ok) {
      const tool = call.name.slice(0, 512) || '(none)';
      this.notRun(call.id, tool, parsed.args, parsed.error);
      return undefined;
    }
    const { tool, input } = parsed;
    const rules = [...this.addedRules, ...this.host.config.rules];
    const verdict = decideApproval(rules, tool.name, riskOf(tool, input), input);
    if (verdict.action === 'allow') return { kind: 'run', call, tool, input };
    if (verdict.action === 'ask') return { kind: 'ask', call, tool, input, rule: verdict.rule };
    this.notRun(
      call.id,
      tool.name,
      parsed.args,
      `Not run: denied by the rule "${verdict.rule}". Do something else or finish.`,
    );
    return undefined;
  }

  private notRun(callId: string, tool: string, args: unknown, output: string): void {
    this.record([
      { type: 'tool.started', payload: { callId, tool, args } },
      { type: 'tool.finished', payload: { callId, output, isError: true } },
    ]);
  }

  /**
   * Asks a person about every call that needs it at once (they may answer them together), records
   * each answer as it comes, and returns the approved calls with the input to run.
   */
  private async askPeople(asks: readonly Ask[], signal: AbortSignal): Promise<ReadyCall[]> {
    if (asks.length === 0) return [];
    const requests = await Promise.all(
      asks.map(async (ask) => ({ ...ask, summary: await ask.tool.summarize(ask.input) })),
    );
    // After a restart the request is already in the record; it is asked again, not recorded again.
    const pending = new Set(pendingApprovals(this.host.events).map((approval) => approval.callId));
    this.record([
      ...requests
        .filter(({ call }) => !pending.has(call.id))
        .map(({ call, tool, summary, rule }): EventDraft => ({
          type: 'approval.requested',
          payload: { callId: call.id, tool: tool.name, summary, rule },
        })),
      { type: 'run.status', payload: { status: 'waiting' } },
    ]);
    const { gate } = this.host.deps;
    const answered = await Promise.all(
      requests.map(async (request) => {
        const { call, tool, input, summary, rule } = request;
        // Publishing needs a person: a gate no one answers (a bench) does not approve it.
        if (riskOf(tool, input) === 'publish' && gate.asksPeople !== true)
          return this.recordDecision(request, UNATTENDED_PUBLISH);
        const asked = {
          kind: 'call' as const,
          runId: this.host.runId,
          callId: call.id,
          tool: tool.name,
          risk: riskOf(tool, input),
        };
        const decision = await gate.decide({ ...asked, input, summary, rule }, signal);
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
      const output = `${REJECTED_BY[decision.by ?? 'person']}: ${feedback}`;
      this.record([
        { type: 'approval.resolved', payload: { callId: call.id, decision: 'rejected', feedback } },
        { type: 'tool.finished', payload: { callId: call.id, output, isError: true } },
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
      await Promise.all(calls.slice(index, end).map((item) => this.runTool(item, signal)));
      index = end;
    }
  }

  private async runTool({ call, tool, input }: ReadyCall, signal: AbortSignal): Promise<void> {
    const { deps, runId } = this.host;
    this.record([{ type: 'tool.started', payload: { callId: call.id, tool: tool.name, args: input } }]);
    let result: ToolOutput;
    try {
      result = await tool.run(input, {
        runId,
        callId: call.id,
        signal,
        workspace: deps.workspace,
        progress: (chunk) => this.host.stream({ type: 'tool-output', callId: call.id, chunk }),
        record: (drafts) => this.record([...drafts]),
        setPlan: (items) => this.record([{ type: 'plan.updated', payload: { items } }]),
      });
    } catch (error) {
      if (signal.aborted) {
        const output = 'Interrupted before it finished.';
        this.record([{ type: 'tool.finished', payload: { callId: call.id, output, isError: true } }]);
        throw signal.reason;
      }
      const message =
        error instanceof WorkspaceError
          ? error.message
          : `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`;
      result = { output: message, isError: true };
    }
    // Recorded just before the result: the latest snapshot at or before a seq is the workspace at that seq.
    const snapshot = isMutating(tool) ? await deps.snapshots?.capture({ callId: call.id }) : undefined;
    const isError = result.isError ?? false;
    const finished = this.record([
      ...(snapshot === undefined ? [] : [{ type: 'workspace.snapshot' as const, payload: snapshot }]),
      { type: 'tool.finished', payload: { callId: call.id, output: result.output, isError } },
    ]).at(-1);
    // What was recorded (secrets removed) is what a check compares.
    const output = finished?.type === 'tool.finished' ? finished.payload.output : result.output;
    const recorded = typeof output === 'string' ? output : result.output;
    this.host.afterTool({ callId: call.id, tool: tool.name, input, output: recorded, isError });
  }

  /** After a crash or an interrupt: re-ask pending approvals, close calls that were cut off. */
  async settleDangling(signal: AbortSignal): Promise<void> {
    const { events } = this.host;
    const dangling = danglingCalls(events);
    if (dangling.length === 0) return;
    const pending = new Set(pendingApprovals(events).map((approval) => approval.callId));
    const reply = events.findLast((event) => event.type === 'model.finished');
    const requests = reply?.type === 'model.finished' ? reply.payload.toolCalls : [];
    const asks: Ask[] = [];
    for (const { callId, tool } of dangling) {
      const request = requests.find((call) => call.id === callId)!;
      const call: ToolCallRequest = { id: callId, name: tool, arguments: JSON.stringify(request.args ?? {}) };
      if (!pending.has(callId)) {
        const output =
          'Interrupted: this call did not finish before the run stopped. Run it again if it is still needed.';
        this.record([{ type: 'tool.finished', payload: { callId, output, isError: true } }]);
        continue;
      }
      const parsed = parseCall(call, this.host.availableTools(), false);
      if (parsed.ok) asks.push({ call, tool: parsed.tool, input: parsed.input, rule: 'asked again after a restart' });
    }
    await this.execute(await this.askPeople(asks, signal), signal);
  }
}
