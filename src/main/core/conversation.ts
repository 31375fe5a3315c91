// Rebuilds what the model sees from the run's events: the goal, each reply with its tool calls, each
// tool result (cut for the model), messages from the person or the harness, and after a compaction its
// summary in place of the older middle. Pure, so resume, replay and fork see the same conversation.
import { previewText, type Content, type EventDraft, type EventPayload, type RunEvent } from '../../shared/events';
import { handleEvent, type EventHandlers } from '../../shared/event-handlers';
import type { ChatMessage, ToolCallRequest } from './model';
import { truncateForModel } from './tool-router';

function text(content: Content | undefined): string {
  if (content === undefined) return '';
  return typeof content === 'string' ? content : previewText(content);
}

export const HARNESS_PREFIX = '[Looplab] ';

export function argumentsText(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args ?? {});
}

export function buildConversation(events: readonly RunEvent[]): ChatMessage[] {
  const compaction = events.findLast((event) => event.type === 'context.compacted');
  const created = events.find((event) => event.type === 'run.created');
  const conversation: Conversation = { messages: [], toolNames: new Map() };
  const { messages } = conversation;
  if (created?.type === 'run.created') messages.push({ role: 'user', content: text(created.payload.goal) });
  let from = 0;
  if (compaction?.type === 'context.compacted') {
    messages.push({
      role: 'user',
      content: `${HARNESS_PREFIX}Summary of the work so far:\n${text(compaction.payload.summary)}`,
    });
    from = compaction.payload.keepFromSeq;
  }
  for (const event of events) if (event.seq >= from) handleEvent(MESSAGES, event, conversation);
  return inCallOrder(messages);
}

interface Conversation {
  messages: ChatMessage[];
  /** Which tool each call id named, for its result. */
  toolNames: Map<string, string>;
}

const none = () => undefined;

/** The message each type of event adds to what the model sees, if any. */
const MESSAGES: EventHandlers<void, Conversation> = {
  'message.user': (event, { messages }) => {
    const prefix = event.payload.source === 'harness' ? HARNESS_PREFIX : '';
    messages.push({ role: 'user', content: prefix + text(event.payload.text) });
  },
  'model.finished': (event, { messages, toolNames }) => {
    const calls: ToolCallRequest[] = event.payload.toolCalls.map((call) => {
      toolNames.set(call.id, call.name);
      return { id: call.id, name: call.name, arguments: argumentsText(call.args) };
    });
    const failed = event.payload.finishReason === 'error' || event.payload.finishReason === 'interrupted';
    if (failed && calls.length === 0 && text(event.payload.text) === '') return;
    messages.push(
      calls.length > 0
        ? { role: 'assistant', content: text(event.payload.text), toolCalls: calls }
        : { role: 'assistant', content: text(event.payload.text) },
    );
  },
  'tool.finished': (event, { messages, toolNames }) => {
    messages.push({
      role: 'tool',
      toolCallId: event.payload.callId,
      toolName: toolNames.get(event.payload.callId) ?? 'unknown',
      content: truncateForModel(text(event.payload.output)),
      isError: event.payload.isError,
    });
  },
  // The goal and a compaction's summary come first (above); the rest the model never reads.
  'run.created': none,
  'run.status': none,
  'run.limits': none,
  'run.rule': none,
  'model.started': none,
  'tool.started': none,
  'approval.requested': none,
  'approval.resolved': none,
  'job.started': none,
  'job.metric': none,
  'job.finished': none,
  'artifact.recorded': none,
  'evaluation.recorded': none,
  'evaluation.failed': none,
  'context.compacted': none,
  'plan.updated': none,
  'workspace.snapshot': none,
  'replay.diverged': none,
  'network.request': none,
  'loop.parked': none,
  'loop.woke': none,
  // A watch that fired and a resume the job did by itself reach the model as notes from the harness.
  'job.watch': (event, { messages }) => {
    messages.push({ role: 'user', content: `${HARNESS_PREFIX}${watchNote(event.payload)}` });
  },
  'job.resumed': (event, { messages }) => {
    if (event.payload.auto)
      messages.push({ role: 'user', content: `${HARNESS_PREFIX}${autoResumeNote(event.payload)}` });
  },
  'job.progress': none,
};

function watchNote(payload: EventPayload<'job.watch'>): string {
  return `Watch on ${payload.jobId} fired: ${payload.message}. The job goes on; job_status, job_logs or job_cancel.`;
}

function autoResumeNote(payload: EventPayload<'job.resumed'>): string {
  const from = payload.fromStep === undefined ? '' : ` (metrics after step ${payload.fromStep} are kept)`;
  return `${payload.jobId} was killed and resumed by itself from ${payload.checkpoint}${from}.`;
}

/**
 * Tool results follow their reply in the order it made the calls, however they finished; a harness note
 * recorded while the calls ran (a job's watch) comes after their results.
 */
function inCallOrder(messages: ChatMessage[]): ChatMessage[] {
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index]!;
    if (message.role !== 'assistant' || message.toolCalls === undefined) continue;
    const pending = new Set(message.toolCalls.map((call) => call.id));
    let end = index + 1;
    for (let next = end; next < messages.length && pending.size > 0; next++) {
      const later = messages[next]!;
      if (later.role === 'tool') {
        pending.delete(later.toolCallId);
        messages.splice(next, 1);
        messages.splice(end++, 0, later);
      } else if (later.role === 'assistant') break;
    }
    const order = new Map(message.toolCalls.map((call, position) => [call.id, position]));
    const results = messages.slice(index + 1, end) as Extract<ChatMessage, { role: 'tool' }>[];
    results.sort((a, b) => (order.get(a.toolCallId) ?? Infinity) - (order.get(b.toolCallId) ?? Infinity));
    messages.splice(index + 1, results.length, ...results);
  }
  return messages;
}

/** Tool calls of the last reply that never got a result (after an interrupt or a crash). */
export function danglingCalls(events: readonly RunEvent[]): { callId: string; tool: string }[] {
  const lastReply = events.findLast((event) => event.type === 'model.finished');
  if (lastReply?.type !== 'model.finished') return [];
  const finished = new Set(
    events
      .filter((event) => event.type === 'tool.finished' && event.seq > lastReply.seq)
      .map((event) => (event.type === 'tool.finished' ? event.payload.callId : '')),
  );
  return lastReply.payload.toolCalls
    .filter((call) => !finished.has(call.id))
    .map((call) => ({ callId: call.id, tool: call.name }));
}

/** After a crash: the end of a reply that was cut off (recorded as interrupted), or undefined. */
export function closeCutReply(events: readonly RunEvent[]): EventDraft | undefined {
  const started = events.findLast((event) => event.type === 'model.started');
  if (started?.type !== 'model.started') return undefined;
  const { callId } = started.payload;
  if (events.some((event) => event.type === 'model.finished' && event.payload.callId === callId)) return undefined;
  const usage = { inputTokens: 0, outputTokens: 0, cost: 0 };
  const error = 'The run stopped before this reply was complete.';
  return {
    type: 'model.finished',
    payload: { callId, text: '', toolCalls: [], finishReason: 'interrupted', usage, error },
  };
}

/** A rough token count (4 characters a token), for deciding when to compact. */
export function estimateTokens(messages: readonly ChatMessage[]): number {
  let chars = 0;
  for (const message of messages) {
    chars += message.content.length + 16;
    if (message.role === 'assistant')
      for (const call of message.toolCalls ?? []) chars += call.arguments.length + call.name.length + 16;
  }
  return Math.ceil(chars / 4);
}
