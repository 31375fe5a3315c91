// Compaction: when the conversation nears the model's context window, the older middle of the run is
// replaced by a summary the model writes, keeping the system prompt, the goal and the recent tail.
// The full history stays in the event log; only what the model is sent shrinks.
import type { RunEvent } from '../../shared/events';
import { buildConversation, estimateTokens } from './conversation';
import type { LoopContext, LoopOutcome } from './loop-types';
import type { ChatMessage } from './model';
import { emptyTurn, providerReason, retrying, streamReply } from './model-reply';

/** The recent tail kept verbatim takes at most this share of the context window. */
const TAIL_SHARE = 0.3;

export interface CompactionPlan {
  keepFromSeq: number;
  middle: RunEvent[];
}

/** Where the kept tail starts: at a model call or a message, so no tool result loses its call. */
export function compactionPlan(events: readonly RunEvent[], contextLength: number): CompactionPlan | undefined {
  const budget = contextLength * TAIL_SHARE;
  const boundaries = events.filter((event) => event.type === 'model.started' || event.type === 'message.user');
  let keepFromSeq: number | undefined;
  for (const boundary of [...boundaries].reverse()) {
    const tail = buildConversation(events.filter((event) => event.type === 'run.created' || event.seq >= boundary.seq));
    if (estimateTokens(tail) > budget && keepFromSeq !== undefined) break;
    keepFromSeq = boundary.seq;
  }
  const firstStep = boundaries[0]?.seq;
  if (keepFromSeq === undefined || firstStep === undefined || keepFromSeq <= firstStep) return undefined;
  return { keepFromSeq, middle: events.filter((event) => event.seq < keepFromSeq) };
}

function transcript(messages: readonly ChatMessage[]): string {
  return messages
    .map((message) => {
      if (message.role === 'tool')
        return `TOOL RESULT (${message.toolName}${message.isError ? ', error' : ''}):\n${message.content}`;
      if (message.role === 'assistant') {
        const calls = (message.toolCalls ?? []).map((call) => `CALL ${call.name} ${call.arguments}`).join('\n');
        return `ASSISTANT:\n${message.content}${calls === '' ? '' : `\n${calls}`}`;
      }
      return `${message.role.toUpperCase()}:\n${message.content}`;
    })
    .join('\n\n');
}

/** Keeps the latest part of a transcript that fits in about 60% of the window (4 characters a token). */
function fitTranscript(text: string, contextLength: number): string {
  const maxChars = Math.floor(contextLength * 4 * 0.6);
  return text.length <= maxChars ? text : `[… earlier part omitted …]\n${text.slice(-maxChars)}`;
}

const INSTRUCTIONS = `You write the working notes of an ML engineering session so that it can continue without the full transcript.
Keep: the goal and any constraints the person gave; facts learned about the data and environment; files written and what they do; commands run and their key results (numbers, errors); what was tried and failed, and why; the current plan and the next step.
Drop: pleasantries, repeated output, anything superseded. Be precise with names, paths and figures. Write plain text, at most 400 words.`;

/** What the model is sent after a compaction at `next` (the event as it will be stored). */
function tokensAfter(loop: LoopContext, next: RunEvent): number {
  const system: ChatMessage = { role: 'system', content: loop.deps.systemPrompt };
  return estimateTokens([system, ...buildConversation([...loop.events, next])]);
}

/**
 * Replaces the older middle of the run by a summary the model writes: one model reply through the same
 * code as a turn (idle timeout, retries), its usage recorded on `context.compacted` and so counted by
 * the budgets. Returns whether it compacted, or how the run ends when the model could not summarize.
 */
export async function compact(
  loop: LoopContext,
  tokensBefore: number,
  signal: AbortSignal,
): Promise<boolean | LoopOutcome> {
  const { deps } = loop;
  const plan = compactionPlan(loop.events, deps.modelInfo.contextLength);
  if (plan === undefined) return false;
  const messages: ChatMessage[] = [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `The session so far:\n\n${fitTranscript(transcript(buildConversation(plan.middle)), deps.modelInfo.contextLength)}`,
    },
  ];
  const summarize = async () => {
    const reply = emptyTurn();
    await streamReply(deps, { messages, tools: [], signal }, { ...reply, show: () => undefined });
    return reply;
  };
  let result;
  try {
    result = await retrying(summarize, deps.clock, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return failed(loop, tokensBefore, error instanceof Error ? error.message : String(error));
  }
  if (!result.ok) return failed(loop, tokensBefore, providerReason(result.error));
  const { turn, usage } = result.value;
  const summary = turn.text.trim() === '' ? '(the model gave no summary)' : turn.text.trim();
  const payload = { tokensBefore, tokensAfter: 0, summary, keepFromSeq: plan.keepFromSeq, usage };
  const last = loop.events.at(-1);
  const next: RunEvent = { type: 'context.compacted', payload, runId: loop.runId, seq: (last?.seq ?? -1) + 1, time: 0 };
  payload.tokensAfter = tokensAfter(loop, next);
  loop.record([{ type: 'context.compacted', payload }]);
  return true;
}

function failed(loop: LoopContext, tokens: number, why: string): LoopOutcome {
  const { modelName, modelInfo } = loop.deps;
  return {
    status: 'failed',
    reason: `Compaction failed: ${modelName} could not summarize the run to fit its context window (about ${tokens} tokens of ${modelInfo.contextLength}). ${why} Resume the run to try again, or fork it with a model that has a larger context window.`,
  };
}
