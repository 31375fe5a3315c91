// The loop's messages in the Anthropic Messages shape: the system prompt travels beside the messages,
// an assistant's tool calls are tool_use blocks with parsed input, and tool results go back as
// tool_result blocks inside the next user message (consecutive ones joined, as the API requires). An
// assistant turn that said nothing (Claude may end a turn with no content after tool results) is left
// out: the API refuses `content: []`. Prompt caching marks the tools, the system prompt and the end of
// the conversation, so each step reads the whole prefix from the cache instead of paying for it again.
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ChatMessage, ToolSpec } from '../core/model';

type MessageParam = Anthropic.MessageParam;
type ContentBlock = Anthropic.ContentBlockParam;

export interface AnthropicConversation {
  system: Anthropic.TextBlockParam[] | undefined;
  messages: MessageParam[];
}

const CACHED = { cache_control: { type: 'ephemeral' as const } };

export function toAnthropicConversation(messages: readonly ChatMessage[]): AnthropicConversation {
  const system: string[] = [];
  const turns: { role: 'user' | 'assistant'; blocks: ContentBlock[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlock[]) => {
    const last = turns[turns.length - 1];
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        push('user', [{ type: 'text', text: message.content }]);
        break;
      case 'assistant':
        if (message.content === '' && (message.toolCalls ?? []).length === 0) break;
        push('assistant', [
          ...(message.content === '' ? [] : [{ type: 'text' as const, text: message.content }]),
          ...(message.toolCalls ?? []).map((call) => ({
            type: 'tool_use' as const,
            id: call.id,
            name: call.name,
            input: inputObject(call.arguments),
          })),
        ]);
        break;
      case 'tool':
        push('user', [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError && { is_error: true }),
          },
        ]);
        break;
    }
  }
  const last = turns.at(-1)?.blocks;
  // The newest block marks how far the cache goes; the next step reads everything up to it.
  if (last !== undefined && last.length > 0) last[last.length - 1] = { ...last.at(-1)!, ...CACHED } as ContentBlock;
  return {
    system: system.length > 0 ? [{ type: 'text', text: system.join('\n\n'), ...CACHED }] : undefined,
    messages: turns.map(({ role, blocks }) => ({ role, content: simplify(blocks) })),
  };
}

/** A lone text block is sent as a plain string, the form most requests use (one marked for the cache stays a block). */
function simplify(blocks: ContentBlock[]): string | ContentBlock[] {
  const [only] = blocks;
  return blocks.length === 1 && only?.type === 'text' && only.cache_control === undefined ? only.text : blocks;
}

/** The tools, the last one marked for the cache: the tool list is the start of every request's prefix. */
export function toAnthropicTools(tools: readonly ToolSpec[]): Anthropic.Tool[] {
  return tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.parameters },
    ...(index === tools.length - 1 && CACHED),
  }));
}

const inputSchema = z.record(z.string(), z.unknown());

/** tool_use input must be an object; text that is not one was already answered with an error result. */
function inputObject(text: string): Record<string, unknown> {
  try {
    const parsed = inputSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}
