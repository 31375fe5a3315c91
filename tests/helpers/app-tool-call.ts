// Calls a tool that runs in the app (the Hub, arXiv, GitHub: none touches the run's workspace interface)
// the way the router does, and gives what the model reads: its output, or the message of its error.
import type { ToolContext, ToolDefinition } from '../../src/main/core/tool';

function never(): never {
  throw new Error('this tool runs in the app and does not use the run’s workspace interface');
}

export const appToolContext: ToolContext = {
  runId: 'run_app_tools',
  callId: 'call_1',
  signal: new AbortController().signal,
  workspace: { readFile: never, writeFile: never, exec: never },
  progress: () => undefined,
  record: () => [],
  setPlan: () => undefined,
};

export function toolSet(list: readonly ToolDefinition[]): Record<string, ToolDefinition> {
  return Object.fromEntries(list.map((tool) => [tool.name, tool]));
}

/** The input checked as the router checks it, then the output, `error: …` for an error. */
export async function callTool(set: Record<string, ToolDefinition>, name: string, input: unknown): Promise<string> {
  const tool = set[name]!;
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) return `invalid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`;
  try {
    const result = await tool.run(parsed.data, appToolContext);
    return result.isError === true ? `error: ${result.output}` : result.output;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}
