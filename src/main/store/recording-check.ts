// A run file from elsewhere is checked to be one consistent recording before it is imported: every
// executed call is a call the model made (same id, tool and arguments), every approval belongs to such a
// call, an approved call ran as it was shown, and a rejected one never ran. A replay answers approvals
// from the recording, so a file whose approval showed one command while another ran is refused here,
// with the first mismatch named.
import { canonicalJson } from '../../shared/canonical-json';
import { AppError } from '../../shared/errors';
import type { Content, EventDraft, ToolCall } from '../../shared/events';
import { REDACTED } from '../core/redact';
import type { ToolDefinition } from '../core/tool';
import { builtinTools } from '../tools';

function text(content: Content): string {
  return typeof content === 'string' ? content : content.preview;
}

function shorten(value: string): string {
  return value.length > 120 ? `${value.slice(0, 119)}…` : value;
}

interface CallState {
  call: ToolCall;
  /** What the approval showed, once asked. */
  summary?: string;
  decision?: 'approved' | 'rejected';
}

class Mismatch {
  constructor(
    readonly seq: number,
    readonly callId: string,
    readonly detail: string,
  ) {}

  error(): AppError {
    return new AppError(
      'invalid_input',
      `This run file is not a consistent recording: event ${this.seq}, call ${this.callId}: ${this.detail}. Nothing was imported.`,
      'A run file must hold what the run did; this one was changed after it was recorded. Ask for a new export of the run.',
    );
  }
}

/** The input a known tool would run with, given the model's arguments (its schema fills defaults). */
function parsedInput(tool: ToolDefinition | undefined, args: unknown): unknown {
  if (tool === undefined) return undefined;
  const parsed = tool.input.safeParse(args);
  return parsed.success ? parsed.data : undefined;
}

function sameArgs(tool: ToolDefinition | undefined, modelArgs: unknown, ran: unknown): boolean {
  const ranText = canonicalJson(ran);
  if (canonicalJson(modelArgs) === ranText) return true;
  const parsed = parsedInput(tool, modelArgs);
  return parsed !== undefined && canonicalJson(parsed) === ranText;
}

/** What a known tool's approval shows for the model's arguments, if it can be worked out here. */
function expectedSummary(tool: ToolDefinition | undefined, args: unknown): string | undefined {
  const input = parsedInput(tool, args);
  if (tool === undefined || input === undefined) return undefined;
  try {
    const summary = tool.summarize(input);
    // A summary worked out from the workspace (a publish's dry run) is not known here.
    return typeof summary === 'string' ? summary : undefined;
  } catch {
    return undefined;
  }
}

function check(drafts: readonly EventDraft[], tools: ReadonlyMap<string, ToolDefinition>): Mismatch | undefined {
  const calls = new Map<string, CallState>();
  for (const [seq, draft] of drafts.entries()) {
    if (draft.type === 'model.finished') {
      for (const call of draft.payload.toolCalls) {
        if (calls.has(call.id)) return new Mismatch(seq, call.id, 'the model made two calls with this id');
        calls.set(call.id, { call });
      }
      continue;
    }
    if (draft.type !== 'approval.requested' && draft.type !== 'approval.resolved' && draft.type !== 'tool.started')
      continue;
    const { callId } = draft.payload;
    const state = calls.get(callId);
    const what = draft.type === 'tool.started' ? 'it ran' : 'its approval';
    if (state === undefined) return new Mismatch(seq, callId, `${what}, but no model reply made this call`);
    const found = checkEvent(draft, state, tools.get(state.call.name));
    if (found !== undefined) return new Mismatch(seq, callId, found);
  }
  return undefined;
}

/** What is wrong with one approval or tool start of a call the model made, if anything. */
function checkEvent(draft: EventDraft, state: CallState, tool: ToolDefinition | undefined): string | undefined {
  const { call } = state;
  if (draft.type === 'approval.requested') {
    if (draft.payload.tool !== call.name)
      return `its approval names the tool ${draft.payload.tool}, but the model called ${call.name}`;
    const summary = text(draft.payload.summary);
    const expected = expectedSummary(tool, call.args);
    if (expected !== undefined && !summary.includes(REDACTED) && summary !== expected)
      return `its approval showed "${shorten(summary)}", but the model's call is "${shorten(expected)}"`;
    state.summary = summary;
    return undefined;
  }
  if (draft.type === 'approval.resolved') {
    if (state.summary === undefined) return 'it was answered, but no approval was asked for';
    state.decision = draft.payload.decision;
    return undefined;
  }
  if (draft.type !== 'tool.started') return undefined;
  const name = call.name.slice(0, 512) || '(none)';
  if (draft.payload.tool !== name) return `it ran the tool ${draft.payload.tool}, but the model called ${call.name}`;
  if (state.summary !== undefined && state.decision !== 'approved') return 'it ran, but its approval was not given';
  if (!sameArgs(tool, call.args, draft.payload.args)) {
    return `it ran with ${shorten(canonicalJson(draft.payload.args))}, but the model called it with ${shorten(canonicalJson(call.args))}`;
  }
  return undefined;
}

/** Throws a clear error naming the first place where the recording does not hold together. */
export function checkRecording(drafts: readonly EventDraft[]): void {
  const tools = new Map(builtinTools.map((tool) => [tool.name, tool]));
  const mismatch = check(drafts, tools);
  if (mismatch !== undefined) throw mismatch.error();
}
