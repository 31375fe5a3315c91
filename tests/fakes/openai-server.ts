// A fake OpenAI-compatible server (the shape vLLM, LM Studio, llama.cpp and the HF router share):
// /v1/chat/completions streams SSE chunks with tool-call deltas split by `index` and arguments as JSON
// text fragments, a usage chunk when `stream_options.include_usage`, then `data: [DONE]`; /v1/models
// lists models with whatever extra fields the test gives them; errors use OpenAI's `{"error": {...}}`.
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake, writeFrames, type CapturedRequest, type FakeServer } from './http-fake';
import { isFailure, retryHeaders, turnQueue, type ReplyTurn, type Turn } from './script';

export interface FakeOpenAIModel {
  id: string;
  /** Extra fields the server reports (vLLM `max_model_len`, llama.cpp `meta`, ...). */
  [field: string]: unknown;
}

export interface FakeOpenAIOptions {
  models?: readonly FakeOpenAIModel[];
  turns?: readonly Turn[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
  /** False for servers without GET /v1/models/{id} (vLLM, llama.cpp): it answers 404 like they do. */
  modelRoute?: boolean;
}

const created = 1_764_150_000;

export async function startOpenAIServer(options: FakeOpenAIOptions = {}): Promise<FakeServer> {
  const models = options.models ?? [{ id: 'gpt-4o-mini' }];
  const nextTurn = turnQueue(options.turns ?? []);
  const modelObject = (model: FakeOpenAIModel) => ({ object: 'model', created, owned_by: 'looplab-fake', ...model });

  return startHttpFake(async (request, response) => {
    if (options.apiKey !== undefined && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      return sendError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    if (request.method === 'GET' && request.path === '/v1/models') {
      return sendJson(response, 200, { object: 'list', data: models.map(modelObject) });
    }
    if (request.method === 'GET' && request.path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(request.path.slice('/v1/models/'.length));
      const model = models.find((candidate) => candidate.id === id);
      if (options.modelRoute === false) return sendJson(response, 404, { detail: 'Not Found' });
      if (!model) return sendError(response, 404, `The model '${id}' does not exist`, 'invalid_request_error');
      return sendJson(response, 200, modelObject(model));
    }
    if (request.method === 'POST' && request.path === '/v1/chat/completions') {
      const body = request.body as { model?: string };
      if (!models.some((model) => model.id === body.model)) {
        const message = `The model \`${String(body.model)}\` does not exist or you do not have access to it.`;
        return sendError(response, 404, message, 'invalid_request_error', 'model_not_found');
      }
      return complete(request, response, nextTurn(request));
    }
    return sendError(response, 404, `Unknown request URL: ${request.method} ${request.path}`, 'invalid_request_error');
  });
}

function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  headers: Record<string, string> = {},
) {
  sendJson(response, status, { error: { message, type, param: null, code } }, headers);
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

async function complete(request: CapturedRequest, response: ServerResponse, turn: Turn) {
  if (isFailure(turn)) {
    return sendError(response, turn.status, turn.message, errorType(turn.status), null, retryHeaders(turn));
  }
  const body = request.body as { model: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
  const chunks = replyChunks(body.model, turn, body.stream_options?.include_usage === true);
  if (body.stream !== true) return sendJson(response, 200, completion(body.model, turn));
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  const frames = [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), 'data: [DONE]\n\n'];
  const error = turn.errorAfter && {
    error: { message: turn.errorAfter.message, type: 'server_error', param: null, code: null },
  };
  await writeFrames(response, frames, {
    delayMs: turn.delayMs,
    cutAfter: turn.cutAfter,
    stallAfter: turn.stallAfter,
    repeat:
      turn.endless === undefined
        ? undefined
        : {
            after: 1 + (turn.text ?? []).length,
            frame: `data: ${JSON.stringify(textChunk(body.model, turn.endless))}\n\n`,
          },
    errorFrame: error && { after: turn.errorAfter!.chunks, frame: `data: ${JSON.stringify(error)}\n\n` },
  });
}

function textChunk(model: string, text: string) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }],
  };
}

function finishReason(turn: ReplyTurn): string {
  if (turn.stop === 'length') return 'length';
  return (turn.toolCalls ?? []).length > 0 ? 'tool_calls' : 'stop';
}

function replyChunks(model: string, turn: ReplyTurn, includeUsage: boolean): Record<string, unknown>[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const chunks = [chunk({ role: 'assistant', content: '' })];
  // Reasoning as vLLM, llama.cpp and DeepSeek send it: deltas of a field the OpenAI API does not have.
  for (const reasoning of turn.thinking ?? []) chunks.push(chunk({ reasoning_content: reasoning }));
  for (const text of turn.text ?? []) chunks.push(chunk({ content: text }));
  for (const [index, call] of (turn.toolCalls ?? []).entries()) {
    const args = call.rawArguments ?? JSON.stringify(call.arguments);
    const id = call.id ?? `call_fake${index}`;
    const head = { index, id, type: 'function', function: { name: call.name, arguments: '' } };
    chunks.push(chunk({ tool_calls: [head] }));
    // Arguments arrive as JSON text cut at arbitrary places, as real servers send them.
    for (let start = 0; start < args.length; start += 7) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(start, start + 7) } }] }));
    }
  }
  chunks.push(chunk({}, finishReason(turn)));
  const withUsage = chunks.map((one) => (includeUsage ? { ...one, usage: null } : one));
  if (!includeUsage) return withUsage;
  const input = turn.usage?.input ?? 0;
  const output = turn.usage?.output ?? 0;
  const usage = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    ...(turn.usage?.reasoning !== undefined && {
      completion_tokens_details: { reasoning_tokens: turn.usage.reasoning },
    }),
  };
  return [...withUsage, { ...chunk({}), choices: [], usage }];
}

function completion(model: string, turn: ReplyTurn) {
  const toolCalls = (turn.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_fake${index}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
  const input = turn.usage?.input ?? 0;
  const output = turn.usage?.output ?? 0;
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: (turn.text ?? []).join('') || null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(turn),
      },
    ],
    usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
  };
}
