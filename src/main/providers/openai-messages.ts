// The loop's messages and tools in the OpenAI chat-completions shape, and what an OpenAI-compatible
// server's model object says about the model: the SDK types only `id`, but vLLM, LM Studio, llama.cpp
// and the Hugging Face router each add their own context-length fields, checked here with zod.
import type OpenAI from 'openai';
import { z } from 'zod';
import type { ChatMessage, ModelInfo, ToolSpec } from '../core/model';
import { fallbackContextLength, knownContextWindow } from './context-windows';

type MessageParam = OpenAI.Chat.ChatCompletionMessageParam;

export function toOpenAIMessages(messages: readonly ChatMessage[]): MessageParam[] {
  return messages.map((message): MessageParam => {
    switch (message.role) {
      case 'system':
      case 'user':
        return { role: message.role, content: message.content };
      case 'assistant':
        if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
        return {
          role: 'assistant',
          // Some servers refuse an empty string beside tool calls; null is what OpenAI itself sends.
          content: message.content === '' ? null : message.content,
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        };
      case 'tool':
        return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
    }
  });
}

export function toOpenAITools(tools: readonly ToolSpec[]): OpenAI.Chat.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

const positive = z.number().int().positive().optional().catch(undefined);

const modelFieldsSchema = z.object({
  /** vLLM */
  max_model_len: positive,
  /** LM Studio, OpenRouter-style servers */
  context_length: positive,
  max_context_length: positive,
  context_window: positive,
  /** llama.cpp: the running context, else the one the model was trained with */
  n_ctx: positive,
  meta: z.object({ n_ctx: positive, n_ctx_train: positive }).optional().catch(undefined),
  /** The Hugging Face router lists each inference provider serving the model. */
  providers: z
    .array(z.object({ context_length: positive, supports_tools: z.boolean().optional().catch(undefined) }))
    .optional()
    .catch(undefined),
});

/** Context length and tool support from a model object, else the known table, else a safe default. */
export function modelInfoOf(model: string, object: unknown): ModelInfo {
  const parsed = modelFieldsSchema.safeParse(object);
  const fields = parsed.success ? parsed.data : {};
  const providers = fields.providers ?? [];
  const providerLengths = providers.flatMap((provider) => provider.context_length ?? []);
  const reported =
    fields.max_model_len ??
    fields.context_length ??
    fields.max_context_length ??
    fields.context_window ??
    fields.n_ctx ??
    fields.meta?.n_ctx ??
    fields.meta?.n_ctx_train ??
    (providerLengths.length > 0 ? Math.min(...providerLengths) : undefined);
  const toolFlags = providers.flatMap((provider) => provider.supports_tools ?? []);
  return {
    contextLength: reported ?? knownContextWindow(model) ?? fallbackContextLength,
    // Nearly every server that speaks this API takes tools; only the router says when one does not.
    supportsTools: toolFlags.length === 0 || toolFlags.includes(true),
  };
}

const errorBodySchema = z.union([
  z.object({ error: z.object({ message: z.string() }) }).transform((body) => body.error.message),
  z.object({ error: z.string() }).transform((body) => body.error),
  z.object({ message: z.string() }).transform((body) => body.message),
  z.object({ detail: z.string() }).transform((body) => body.detail),
]);

/** The server's own words from an error body, whichever of the common shapes it uses. */
export function errorDetailOf(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : body.slice(0, 500);
  } catch {
    return body.slice(0, 500);
  }
}
