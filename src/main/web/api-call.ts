// POST /api/call/<channel>: a JSON body of bounded size, handed to the same `dispatch` as Electron's IPC.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dispatch, type Handlers } from '../api/handlers';
import { failure, sendJson } from './replies';

export const MAX_BODY_BYTES = 1024 * 1024;

export async function answerCall(
  handlers: Handlers,
  request: IncomingMessage,
  response: ServerResponse,
  channel: string,
): Promise<void> {
  const body = await readBody(request);
  if (body === undefined) {
    sendJson(response, 413, failure('invalid_input', `The request body is over ${MAX_BODY_BYTES} bytes.`));
    return;
  }
  let input: unknown;
  try {
    input = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    sendJson(response, 400, failure('invalid_input', 'The request body is not valid JSON.'));
    return;
  }
  const result = await dispatch(handlers, channel, input);
  sendJson(response, 200, result);
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // An oversized body is read to its end and dropped, so the client gets the 413 rather than a reset.
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
