// The loop's messages in the Anthropic Messages shape: the system prompt travels beside the messages,
// an assistant's tool calls are tool_use blocks with parsed input, and tool results go back as
// tool_result blocks inside the next user message (consecutive ones joined, as the API requires).
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ChatMessage, ToolSpec } from '../core/model';

type MessageParam = Anthropic.MessageParam;
type ContentBlock = Anthropic.ContentBlockParam;

export interface AnthropicConversation {
  system: string | undefined;
  messages: MessageParam[];
}

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
  return {
    system: system.length > 0 ? system.join('\n\n') : undefined,
    messages: turns.map(({ role, blocks }) => ({ role, content: simplify(blocks) })),
  };
}

/** A lone text block is sent as a plain string, the form most requests use. */
function simplify(blocks: ContentBlock[]): string | ContentBlock[] {
  const [only] = blocks;
  return blocks.length === 1 && only?.type === 'text' ? only.text : blocks;
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: 'object', ...tool.parameters },
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
