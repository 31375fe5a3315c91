// Streaming APIs send a tool call in pieces (id and name first, then the arguments as JSON text cut
// anywhere), keyed by a block or choice index; the loop wants each call whole. This buffer joins the
// pieces and hands back complete calls; it also makes ids for servers that send none.
import { randomBytes } from 'node:crypto';
import type { ToolCallRequest } from '../core/model';

export function newCallId(): string {
  return `call_${randomBytes(9).toString('base64url')}`;
}

interface PartialCall {
  id: string;
  name: string;
  arguments: string;
}

export class ToolCallBuffer {
  private readonly partial = new Map<number, PartialCall>();

  /** Adds a piece; id and name fill in when first seen, arguments append. */
  add(index: number, piece: { id?: string | null; name?: string | null; arguments?: string | null }) {
    const call = this.partial.get(index) ?? { id: '', name: '', arguments: '' };
    if (piece.id && !call.id) call.id = piece.id;
    if (piece.name) call.name = call.name === '' ? piece.name : call.name;
    if (piece.arguments) call.arguments += piece.arguments;
    this.partial.set(index, call);
  }

  /** Completes the call at one index, if any. */
  take(index: number): ToolCallRequest | undefined {
    const call = this.partial.get(index);
    if (!call) return undefined;
    this.partial.delete(index);
    return complete(call);
  }

  /** Completes every call still open, in index order. */
  takeAll(): ToolCallRequest[] {
    const indexes = [...this.partial.keys()].sort((a, b) => a - b);
    return indexes.map((index) => this.take(index)).filter((call) => call !== undefined);
  }
}

function complete(call: PartialCall): ToolCallRequest {
  // A call without arguments streams none at all; the loop expects a JSON object.
  return { id: call.id || newCallId(), name: call.name, arguments: call.arguments === '' ? '{}' : call.arguments };
}
