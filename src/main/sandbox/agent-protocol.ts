// The wire format between the app and the agent inside the container (resources/sandbox/agent.py):
// newline-delimited JSON, requests on the agent's stdin and replies on its stdout, tagged by request id.
// Everything that comes back is parsed with zod: a command in the sandbox can write to the agent's
// stdout, so replies are untrusted input.
import { z } from 'zod';

export const AGENT_PROTOCOL = 1;
/** Marks the agent's command line, so a person (or a test) can find it with `pgrep -f looplab-agent`. */
export const AGENT_MARKER = 'looplab-agent';

export type AgentRequest =
  | { id: number; op: 'exec'; command: string; timeout_ms: number }
  | { id: number; op: 'cancel'; target: number }
  | { id: number; op: 'read'; path: string; max_bytes: number }
  | { id: number; op: 'write'; path: string; content: string }
  | { id: number; op: 'ping' };

/** Distributes Omit over the union, so each request keeps its own fields. */
export type AgentRequestBody = AgentRequest extends infer R ? (R extends AgentRequest ? Omit<R, 'id'> : never) : never;

export const agentErrorCodes = [
  'absolute',
  'outside',
  'symlink_out',
  'missing',
  'is_dir',
  'not_dir',
  'is_symlink',
  'not_regular',
  'too_large',
  'denied',
  'no_space',
  'loop',
  'bad_path',
  'spawn',
  'bad_request',
  'io',
] as const;

export type AgentErrorCode = (typeof agentErrorCodes)[number];

const id = z.number().int();

export const agentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), protocol: z.number().int(), pid: z.number().int() }),
  z.object({ type: z.literal('output'), id, data: z.string() }),
  z.object({
    type: z.literal('exit'),
    id,
    code: z.number().int().nullable(),
    signal: z.number().int().nullable(),
    timed_out: z.boolean(),
    cancelled: z.boolean(),
    oom: z.boolean(),
  }),
  z.object({ type: z.literal('file'), id, content: z.string() }),
  z.object({ type: z.literal('done'), id }),
  z.object({ type: z.literal('pong'), id }),
  z.object({
    type: z.literal('error'),
    id: id.nullable(),
    code: z.enum(agentErrorCodes).catch('io'),
    detail: z.string().catch(''),
  }),
]);

export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type AgentExit = Extract<AgentMessage, { type: 'exit' }>;
export type AgentReply = Exclude<AgentMessage, { type: 'ready' }>;

/** Parses one line from the agent; undefined for anything that is not a well-formed message. */
export function parseAgentLine(line: string): AgentMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const result = agentMessageSchema.safeParse(raw);
  return result.success ? result.data : undefined;
}

/** An error reply from the agent, carried to whoever turns it into words. */
export class AgentRefusal extends Error {
  constructor(
    readonly code: AgentErrorCode,
    readonly detail: string,
  ) {
    super(`${code}${detail === '' ? '' : `: ${detail}`}`);
    this.name = 'AgentRefusal';
  }
}

/** The agent went away (killed by a command, the container stopped or ran out of memory). */
export class AgentGone extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AgentGone';
  }
}
