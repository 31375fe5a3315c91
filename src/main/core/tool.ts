// A tool is declared once: name, description, zod input, risk class, a one-line summary for approvals,
// and `run(input, ctx)`. Validation, truncation and recording live in the router, not in each tool.
import type { z } from 'zod';
import type { EventDraft, RunEvent } from '../../shared/events';

/** How much harm a call can do; approval defaults follow it. When unsure, pick the riskier. */
export type ToolRisk = 'read' | 'write' | 'exec' | 'network' | 'gpu' | 'publish';

export interface ExecResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

/** The run's workspace: where files live and commands run. The Docker sandbox implements it. */
export interface Workspace {
  /** Reads a file under the workspace; throws WorkspaceError when it is missing or outside. */
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string): Promise<void>;
  exec(
    command: string,
    options: { timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void },
  ): Promise<ExecResult>;
}

/** A refusal or failure the model should read (a path outside the workspace, a missing file…). */
export class WorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceError';
  }
}

export interface ToolContext {
  runId: string;
  callId: string;
  signal: AbortSignal;
  workspace: Workspace;
  /** Streams partial output to whoever watches (not persisted; the final output is). */
  progress(chunk: string): void;
  /** Records events of the run through its recorder (redacted, like everything recorded). */
  record(drafts: readonly EventDraft[]): RunEvent[];
  /** Replaces the run's plan (the `plan` tool). */
  setPlan(items: { text: string; status: 'pending' | 'in_progress' | 'done' }[]): void;
}

export interface ToolOutput {
  output: string;
  isError?: boolean;
}

export interface ToolDefinition<Input = unknown> {
  name: string;
  description: string;
  input: z.ZodType<Input>;
  /** The JSON schema the model is sent, where it is not `input`'s (a schema an MCP server gives). */
  parameters?: Record<string, unknown>;
  risk: ToolRisk;
  /** The risk of one call, where it depends on the input (a job on the GPU); `risk` otherwise. */
  riskOf?(input: Input): ToolRisk;
  /** What a person sees when asked to approve: the command, the path and size, the diff… (a publish's dry run is worked out). */
  summarize(input: Input): string | Promise<string>;
  run(input: Input, ctx: ToolContext): Promise<ToolOutput>;
}

export function defineTool<Input>(tool: ToolDefinition<Input>): ToolDefinition<unknown> {
  return tool as unknown as ToolDefinition<unknown>;
}

/** Read-only tools may run in parallel; anything else runs in order. */
export function isMutating(tool: ToolDefinition): boolean {
  return tool.risk !== 'read';
}

export function riskOf(tool: ToolDefinition, input: unknown): ToolRisk {
  return tool.riskOf?.(input) ?? tool.risk;
}
