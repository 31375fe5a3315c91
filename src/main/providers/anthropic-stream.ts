// Reading the Messages API's stream: text deltas as they come, each tool_use block whole once its
// input_json_delta pieces end, usage from message_start and message_delta (cache reads and writes apart),
// and the stop reason as the loop's finish.
import type Anthropic from '@anthropic-ai/sdk';
import { ProviderError, type FinishReason, type ModelEvent } from '../core/model';
import { ToolCallBuffer } from './tool-calls';

export class MessageStreamReader {
  private readonly calls = new ToolCallBuffer();
  private readonly usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
  private finish: FinishReason | undefined;

  /** What one event of the stream says to the loop, if anything. */
  *read(event: Anthropic.MessageStreamEvent): Generator<ModelEvent> {
    switch (event.type) {
      case 'message_start': {
        const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = event.message.usage;
        this.usage.cacheWriteTokens = cache_creation_input_tokens ?? 0;
        this.usage.cacheReadTokens = cache_read_input_tokens ?? 0;
        this.usage.inputTokens = input_tokens + this.usage.cacheWriteTokens + this.usage.cacheReadTokens;
        this.usage.outputTokens = event.message.usage.output_tokens;
        break;
      }
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          this.calls.add(event.index, { id: event.content_block.id, name: event.content_block.name });
        }
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') yield { type: 'text', delta: event.delta.text };
        if (event.delta.type === 'input_json_delta')
          this.calls.add(event.index, { arguments: event.delta.partial_json });
        break;
      case 'content_block_stop': {
        const call = this.calls.take(event.index);
        if (call) yield { type: 'tool_call', call };
        break;
      }
      case 'message_delta':
        this.usage.outputTokens = event.usage.output_tokens;
        this.finish = finishReason(event.delta.stop_reason);
        break;
      case 'message_stop':
        break;
    }
  }

  /** The usage and finish once the stream has ended; a transient error if it ended before the model did. */
  *end(server: string): Generator<ModelEvent> {
    if (this.finish === undefined) {
      throw new ProviderError('transient', `${server} ended the stream before the model finished`);
    }
    const { cacheReadTokens, cacheWriteTokens, ...tokens } = this.usage;
    yield {
      type: 'usage',
      ...tokens,
      ...(cacheReadTokens > 0 && { cacheReadTokens }),
      ...(cacheWriteTokens > 0 && { cacheWriteTokens }),
    };
    yield { type: 'finish', reason: this.finish };
  }
}

function finishReason(stopReason: Anthropic.StopReason | null): FinishReason {
  switch (stopReason) {
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    default:
      return 'stop';
  }
}
