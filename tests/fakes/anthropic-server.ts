// A fake Anthropic Messages API: /v1/messages streams the real SSE event sequence (message_start,
// content_block_start / delta / stop with text_delta and input_json_delta, ping, message_delta with
// stop_reason and usage, message_stop); /v1/models/{id} describes a model; errors use Anthropic's
// `{"type":"error","error":{"type","message"}}`, and a mid-stream failure is an `event: error`.
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpFake, writeFrames, type CapturedRequest, type FakeServer } from './http-fake';
import { isFailure, retryHeaders, turnQueue, type ReplyTurn, type Turn } from './script';

export interface FakeAnthropicModel {
  id: string;
  maxInputTokens: number | null;
}

export interface FakeAnthropicOptions {
  models?: readonly FakeAnthropicModel[];
  turns?: readonly Turn[];
  /** When set, requests without this key (`x-api-key`, or `Authorization: Bearer`) get a 401. */
  apiKey?: string;
}

export async function startAnthropicServer(options: FakeAnthropicOptions = {}): Promise<FakeServer> {
  const models = options.models ?? [{ id: 'claude-sonnet-4-6', maxInputTokens: 200_000 }];
  const nextTurn = turnQueue(options.turns ?? []);

  return startHttpFake(async (request, response) => {
    const bearer = request.headers.authorization?.replace(/^Bearer /, '');
    if (options.apiKey !== undefined && (request.headers['x-api-key'] ?? bearer) !== options.apiKey) {
      return sendError(response, 401, 'invalid x-api-key');
    }
    if (request.method === 'GET' && request.path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(request.path.slice('/v1/models/'.length).split('?')[0]!);
      const model = models.find((candidate) => candidate.id === id);
      if (!model) return sendError(response, 404, `model: ${id}`);
      return sendJson(response, 200, modelInfo(model));
    }
    if (request.method === 'POST' && request.path.startsWith('/v1/messages')) {
      const body = request.body as { model?: string };
      if (!models.some((model) => model.id === body.model)) return sendError(response, 404, `model: ${body.model}`);
      return reply(request, response, nextTurn(request));
    }
    return sendError(response, 404, 'Not found');
  });
}

const errorTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  529: 'overloaded_error',
};

function errorBody(status: number, message: string) {
  return { type: 'error', error: { type: errorTypes[status] ?? 'api_error', message }, request_id: 'req_fake' };
}

function sendError(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  sendJson(response, status, errorBody(status, message), { 'request-id': 'req_fake', ...headers });
}

function modelInfo(model: FakeAnthropicModel) {
  return {
    type: 'model',
    id: model.id,
    display_name: model.id,
    created_at: '2025-09-29T00:00:00Z',
    max_input_tokens: model.maxInputTokens,
    max_tokens: 64_000,
  };
}

async function reply(request: CapturedRequest, response: ServerResponse, turn: Turn) {
  if (isFailure(turn)) return sendError(response, turn.status, turn.message, retryHeaders(turn));
  const body = request.body as { model: string; stream?: boolean };
  if (body.stream !== true) return sendJson(response, 500, errorBody(500, 'fake: only streaming is scripted'));
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'request-id': 'req_fake' });
  const frames = events(body.model, turn).map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  const failure = turn.errorAfter && errorBody(529, turn.errorAfter.message);
  await writeFrames(response, frames, {
    delayMs: turn.delayMs,
    cutAfter: turn.cutAfter,
    stallAfter: turn.stallAfter,
    errorFrame: failure && {
      after: turn.errorAfter!.chunks,
      frame: `event: error\ndata: ${JSON.stringify(failure)}\n\n`,
    },
  });
}

function stopReason(turn: ReplyTurn): string {
  if (turn.stop === 'length') return 'max_tokens';
  return (turn.toolCalls ?? []).length > 0 ? 'tool_use' : 'end_turn';
}

type StreamEvent = { type: string } & Record<string, unknown>;

function events(model: string, turn: ReplyTurn): StreamEvent[] {
  const input = turn.usage?.input ?? 0;
  const output = turn.usage?.output ?? 0;
  const list: StreamEvent[] = [
    {
      type: 'message_start',
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: input,
          cache_creation_input_tokens: turn.usage?.cacheWrite ?? 0,
          cache_read_input_tokens: turn.usage?.cacheRead ?? 0,
          output_tokens: 1,
        },
      },
    },
  ];
  let index = 0;
  if ((turn.text ?? []).length > 0) {
    list.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    list.push({ type: 'ping' });
    for (const text of turn.text ?? []) {
      list.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    }
    list.push({ type: 'content_block_stop', index });
    index += 1;
  }
  for (const call of turn.toolCalls ?? []) {
    const block = { type: 'tool_use', id: call.id ?? `toolu_fake${index}`, name: call.name, input: {} };
    list.push({ type: 'content_block_start', index, content_block: block });
    list.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
    const args = JSON.stringify(call.arguments);
    for (let start = 0; start < args.length; start += 5) {
      const partial = args.slice(start, start + 5);
      list.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } });
    }
    list.push({ type: 'content_block_stop', index });
    index += 1;
  }
  list.push({
    type: 'message_delta',
    delta: { stop_reason: stopReason(turn), stop_sequence: null },
    usage: { output_tokens: output },
  });
  list.push({ type: 'message_stop' });
  return list;
}
