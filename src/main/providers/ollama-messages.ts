// The loop's messages and tools in Ollama's native /api/chat shape, and the schemas that check what the
// `ollama` client hands back (its types say `any` for tool arguments and a Map for model_info, which is
// really a plain JSON object).
import type { Message, Tool } from 'ollama';
import { z } from 'zod';
import type { ChatMessage, ToolSpec } from '../core/model';

export function toOllamaMessages(messages: readonly ChatMessage[]): Message[] {
  return messages.map((message): Message => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant':
        if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          content: message.content,
          tool_calls: message.toolCalls.map((call) => ({
            function: { name: call.name, arguments: argumentsObject(call.arguments) },
          })),
        };
      case 'tool':
        return { role: 'tool', content: message.content, tool_name: message.toolName };
    }
  });
}

export function toOllamaTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      description: tool.description,
      // A JSON Schema object; the client's type names only a few of its keywords.
      parameters: tool.parameters as Tool['function']['parameters'],
    },
  }));
}

const argumentsSchema = z.record(z.string(), z.unknown());

/**
 * Ollama takes a call's arguments as an object. Text the model wrote that is not a JSON object cannot
 * be sent back as it was; the tool's result already told the model what was wrong with it.
 */
function argumentsObject(text: string): Record<string, unknown> {
  try {
    const parsed = argumentsSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export const chatChunkSchema = z.object({
  message: z
    .object({
      content: z.string().default(''),
      /** A thinking model's reasoning (Ollama parts it from the answer for models it knows to think). */
      thinking: z.string().optional(),
      tool_calls: z
        .array(
          z.object({
            id: z.string().optional(),
            // Anything the model sent: the tool router tells it what was wrong with arguments that are not an object.
            function: z.object({ name: z.string(), arguments: z.unknown().default({}) }),
          }),
        )
        .optional(),
    })
    .optional(),
  done: z.boolean(),
  done_reason: z.string().optional(),
  prompt_eval_count: z.number().optional(),
  eval_count: z.number().optional(),
});

export const showSchema = z.object({
  model_info: z.record(z.string(), z.unknown()).optional(),
  capabilities: z.array(z.string()).optional(),
  template: z.string().optional(),
});
