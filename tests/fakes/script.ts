// What a test scripts a fake model server to do, one turn per chat request: answer (text chunks, tool
// calls, usage, how it stopped, how fast) or fail (an HTTP status, a cut stream, an error mid-stream).
// Each fake renders the same script in its own provider's wire format.
import type { CapturedRequest } from './http-fake';

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  /** The id the server gives the call, where its protocol has one. */
  id?: string;
  /** Send these arguments as they are (broken JSON, a string where an object belongs) instead of `arguments`. */
  rawArguments?: string;
}

export interface ReplyTurn {
  /** A thinking model's reasoning, streamed before the text in the provider's own field. */
  thinking?: readonly string[];
  text?: readonly string[];
  toolCalls?: readonly ScriptedToolCall[];
  usage?: { input: number; output: number; cacheRead?: number; cacheWrite?: number; reasoning?: number };
  /** How generation ended; tool calls make it a tool stop unless this says 'length'. */
  stop?: 'stop' | 'length';
  /** Delay before each streamed chunk. */
  delayMs?: number;
  /** Answer nothing until this settles (a test holds the reply while it looks at the UI). */
  holdUntil?: Promise<unknown>;
  /** Destroy the socket after this many streamed chunks. */
  cutAfter?: number;
  /** Send nothing more after this many chunks and hold the connection open until the client leaves. */
  stallAfter?: number;
  /** Send the provider's error frame after this many chunks, then end the response. */
  errorAfter?: { chunks: number; message: string };
  /** After the text chunks, send this text again and again, never ending, until the client leaves. */
  endless?: string;
}

export interface FailureTurn {
  status: number;
  message: string;
  /** `retry-after` header (seconds). */
  retryAfter?: string;
  /** `retry-after-ms` header. */
  retryAfterMs?: string;
}

export type Turn = ReplyTurn | FailureTurn;

/** A turn, or a function of the chat request that makes it (to use what an earlier tool call returned). */
export type ScriptedTurn = Turn | ((request: CapturedRequest) => Turn);

export function isFailure(turn: Turn): turn is FailureTurn {
  return 'status' in turn;
}

export function retryHeaders(turn: FailureTurn): Record<string, string> {
  const headers: Record<string, string> = {};
  if (turn.retryAfter !== undefined) headers['retry-after'] = turn.retryAfter;
  if (turn.retryAfterMs !== undefined) headers['retry-after-ms'] = turn.retryAfterMs;
  return headers;
}

/** Hands out the scripted turns in order; a request past the end gets a failure the test will notice. */
export function turnQueue(turns: readonly ScriptedTurn[]): (request: CapturedRequest) => Turn {
  let next = 0;
  return (request) => {
    const turn = turns[next++] ?? { status: 500, message: `fake server: no scripted turn ${next}` };
    return typeof turn === 'function' ? turn(request) : turn;
  };
}
