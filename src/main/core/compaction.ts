// Compaction: when the conversation nears the model's context window, the older middle of the run is
// replaced by a summary the model writes, keeping the system prompt, the goal and the recent tail.
// The full history stays in the event log; only what the model is sent shrinks.
import type { RunEvent } from '../../shared/events';
import { buildConversation, estimateTokens } from './conversation';
import type { ChatMessage, ModelProvider } from './model';

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

export async function summarizeForCompaction(
  deps: { provider: ModelProvider; model: string; modelInfo: { contextLength: number } },
  middle: readonly RunEvent[],
  signal: AbortSignal,
): Promise<string> {
  const messages: ChatMessage[] = [
    { role: 'system', content: INSTRUCTIONS },
    {
      role: 'user',
      content: `The session so far:\n\n${fitTranscript(transcript(buildConversation(middle)), deps.modelInfo.contextLength)}`,
    },
  ];
  let text = '';
  const stream = deps.provider.stream({
    model: deps.model,
    messages,
    tools: [],
    contextLength: deps.modelInfo.contextLength,
    signal,
  });
  for await (const event of stream) if (event.type === 'text') text += event.delta;
  return text.trim() === '' ? '(the model gave no summary)' : text.trim();
}
