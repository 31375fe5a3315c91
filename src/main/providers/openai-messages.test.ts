// What an OpenAI-compatible server's error body says, whichever server's shape it has.
import { describe, expect, it } from 'vitest';
import { errorDetailOf } from './openai-messages';

describe('openai error bodies', () => {
  it('reads the error text of servers that do not use OpenAI’s error shape', () => {
    expect(
      [
        '{"object":"error","message":"This model\'s maximum context length is 4096 tokens.","type":"BadRequestError","code":400}',
        '{"error":"Model not supported by provider"}',
        '{"detail":"Not Found"}',
        '{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}',
        'Bad Gateway',
      ].map(errorDetailOf),
    ).toEqual([
      "This model's maximum context length is 4096 tokens.",
      'Model not supported by provider',
      'Not Found',
      'the request exceeds the available context size',
      'Bad Gateway',
    ]);
  });
});
