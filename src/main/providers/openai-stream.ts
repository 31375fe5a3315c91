// Reading a chat completions stream: text deltas as they come, tool-call deltas joined by index into
// whole calls once the choice finishes, and the usage the last chunk carries.
import type OpenAI from 'openai';
import { z } from 'zod';
import { ProviderError, type FinishReason, type ModelEvent } from '../core/model';
import type { FailureTarget } from './provider-errors';
import { ToolCallBuffer } from './tool-calls';

export class CompletionStreamReader {
  private readonly calls = new ToolCallBuffer();
  private finish: FinishReason | undefined;
  private usage: OpenAI.CompletionUsage | undefined;
  private received = false;

  constructor(private readonly target: FailureTarget) {}

  /** What one chunk says to the loop; a chunk that is not a completion's means another server answers. */
  *read(chunk: OpenAI.ChatCompletionChunk): Generator<ModelEvent> {
    if (!Array.isArray(chunk.choices)) throw notOpenAI(this.target, chunk);
    this.received = true;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices.find((one) => one.index === 0);
    if (!choice) return;
    const reasoning = reasoningOf(choice.delta);
    if (reasoning) yield { type: 'thinking', delta: reasoning };
    if (choice.delta?.content) yield { type: 'text', delta: choice.delta.content };
    for (const part of choice.delta?.tool_calls ?? []) {
      this.calls.add(part.index, { id: part.id, name: part.function?.name, arguments: part.function?.arguments });
    }
    if (!choice.finish_reason) return;
    const completed = this.calls.takeAll();
    for (const completedCall of completed) yield { type: 'tool_call', call: completedCall };
    this.finish = finishReason(choice.finish_reason, completed.length > 0);
  }

  /** The usage and finish once the stream has ended; an error if it said nothing or ended too soon. */
  *end(): Generator<ModelEvent> {
    if (!this.received) throw notOpenAI(this.target, undefined);
    if (this.finish === undefined) {
      throw new ProviderError('transient', `${this.target.server} ended the stream before the model finished`);
    }
    if (this.usage) {
      const reasoningTokens = this.usage.completion_tokens_details?.reasoning_tokens;
      yield {
        type: 'usage',
        inputTokens: this.usage.prompt_tokens,
        outputTokens: this.usage.completion_tokens,
        ...(typeof reasoningTokens === 'number' && { reasoningTokens }),
      };
    }
    yield { type: 'finish', reason: this.finish };
  }
}

const reasoningDeltaSchema = z.object({ reasoning_content: z.string().optional(), reasoning: z.string().optional() });

/**
 * A thinking model's reasoning, which the API's types do not name: `reasoning_content` (vLLM, llama.cpp,
 * DeepSeek, LM Studio) or `reasoning` (newer vLLM, OpenRouter, Ollama's shim).
 */
function reasoningOf(delta: unknown): string | undefined {
  const parsed = reasoningDeltaSchema.safeParse(delta);
  return parsed.success ? (parsed.data.reasoning_content ?? parsed.data.reasoning) : undefined;
}

/** A reply that is not a chat completion stream: something else answers at that address. Retrying will not help. */
function notOpenAI(target: FailureTarget, chunk: unknown): ProviderError {
  const seen = chunk === undefined ? 'no completion chunks' : `${JSON.stringify(chunk).slice(0, 200)}`;
  return new ProviderError('bad_request', `${target.server} did not answer as an OpenAI-compatible server (${seen})`, {
    hint: 'Check that the base URL (OPENAI_BASE_URL) is the server’s API, usually ending in /v1.',
  });
}

function finishReason(reason: string, calledTools: boolean): FinishReason {
  if (reason === 'length') return 'length';
  // Several servers say `stop` after tool calls.
  return reason === 'tool_calls' || reason === 'function_call' || calledTools ? 'tool_calls' : 'stop';
}
