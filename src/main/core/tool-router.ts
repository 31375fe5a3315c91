// Turns what the model asked for into a validated call of a known tool, or into an error message the
// model can act on; sends the tools' schemas; and cuts long outputs for the model (head and tail),
// while the full output is kept in the event log as a blob.
import { z } from 'zod';
import type { ToolCallRequest, ToolSpec } from './model';
import type { ToolDefinition } from './tool';

export const MODEL_OUTPUT_MAX_CHARS = 16_000;

export type ParsedCall =
  | { ok: true; tool: ToolDefinition; input: unknown; args: unknown }
  | { ok: false; tool: ToolDefinition | undefined; args: unknown; error: string };

export function toolSpecs(tools: readonly ToolDefinition[]): ToolSpec[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters ?? (z.toJSONSchema(tool.input, { io: 'input' }) as Record<string, unknown>),
  }));
}

export function parseCall(call: ToolCallRequest, tools: readonly ToolDefinition[], cutOff: boolean): ParsedCall {
  const tool = tools.find((candidate) => candidate.name === call.name);
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    const why = cutOff
      ? 'your reply was cut off by the output limit before the arguments were complete. Make the call again with shorter arguments (write large files in parts).'
      : 'they are not valid JSON. Send the arguments as one JSON object.';
    return { ok: false, tool, args: call.arguments, error: `Could not read the arguments of ${call.name}: ${why}` };
  }
  if (tool === undefined) {
    const known = tools.map((candidate) => candidate.name).join(', ');
    return { ok: false, tool, args, error: `There is no tool named "${call.name}". The tools are: ${known}.` };
  }
  return validateInput(tool, args);
}

export function validateInput(tool: ToolDefinition, args: unknown): ParsedCall {
  const parsed = tool.input.safeParse(args);
  if (parsed.success) return { ok: true, tool, input: parsed.data, args };
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'input'}: ${issue.message}`)
    .join('; ');
  return {
    ok: false,
    tool,
    args,
    error: `Invalid arguments for ${tool.name}: ${problems}. Fix them and call it again.`,
  };
}

/** The text the model sees of a tool's output: whole when short, else its head and tail. */
export function truncateForModel(text: string, maxChars = MODEL_OUTPUT_MAX_CHARS): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.6);
  const tail = maxChars - head;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n[… ${omitted} characters omitted; the full output is kept in the run's record …]\n${text.slice(-tail)}`;
}
