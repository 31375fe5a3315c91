// How a run is constrained: which tools it may use, the approval rules a person can read, its budgets
// and step limit. Recorded in `run.created`, so a resumed or rerun loop keeps the same constraints.
import { z } from 'zod';
import { jobDefaultsSchema } from './job-watches';
import { networkSchema } from './network-policy';
import { jobResourcesSchema } from './job-resources';

/** A spec's `jobs`: their resources, watches and resume policy, in one strict object. */
export const jobSpecSchema = jobResourcesSchema.extend(jobDefaultsSchema.shape);

export const approvalActions = ['allow', 'ask', 'deny'] as const;
export type ApprovalAction = (typeof approvalActions)[number];

export const approvalRuleSchema = z
  .object({
    /** A tool name, or a glob of tool names: `*` for every tool, `mcp__calc__*` for one MCP server's. */
    tool: z.string().min(1).max(128),
    /** Optionally, an argument whose text must match `pattern` (a glob: `*` any text, `?` one character). */
    arg: z.string().min(1).max(128).optional(),
    pattern: z.string().min(1).max(1024).optional(),
    action: z.enum(approvalActions),
  })
  .refine((rule) => (rule.arg === undefined) === (rule.pattern === undefined), {
    message: 'a rule names both `arg` and `pattern`, or neither',
  });
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

export const budgetSchema = z.object({
  /** Input + output tokens over the whole run. */
  tokens: z.number().int().positive().optional(),
  /** US dollars for priced remote models. */
  costUsd: z.number().positive().optional(),
  /** Wall-clock time of the run, in milliseconds. */
  wallMs: z.number().int().positive().optional(),
});
export type Budget = z.infer<typeof budgetSchema>;

/**
 * How the harness judges an attempt: a command run in a separate sandbox after the agent says it is done,
 * with the run's workspace read-only at /workspace and the held-out files read-only under /heldout (never
 * mounted where the agent runs). The metric is parsed from that command's output by the harness, never
 * taken from the model.
 */
/**
 * What an attempt must beat: a command the harness scores on the same held-out data (run once per run,
 * like the evaluation), or a score recorded before. An attempt passes when it is better than the
 * baseline by at least `margin` (and reaches `target`, when there is one too).
 */
export const baselineSchema = z
  .strictObject({
    command: z.string().min(1).max(4096).optional(),
    score: z.number().optional(),
    /** What the baseline is, in a few words ("TF-IDF + logistic regression"). */
    label: z.string().min(1).max(128).default('baseline'),
    margin: z.number().nonnegative().default(0),
  })
  .refine((baseline) => (baseline.command === undefined) !== (baseline.score === undefined), {
    message: 'a baseline is either a command the harness scores or a recorded score: give one of the two',
  });
export type Baseline = z.infer<typeof baselineSchema>;

export const evaluationSchema = z.object({
  command: z.string().min(1).max(4096),
  /** The metric's name: the harness reads the last JSON line of the output with this field (`{"accuracy": 0.91}`). */
  metric: z.string().min(1).max(128),
  /** Whether a higher value is better (accuracy) or a lower one (loss). */
  better: z.enum(['higher', 'lower']).default('higher'),
  /** Stop with success once the metric reaches this value. */
  target: z.number().optional(),
  baseline: baselineSchema.optional(),
  /** Host paths (absolute) mounted read-only at /heldout/<name> for the evaluation only. */
  heldOut: z.array(z.string().min(1).max(4096)).max(32).default([]),
  timeoutSeconds: z
    .number()
    .int()
    .positive()
    .max(24 * 3600)
    .default(600),
  /** Another attempt while the metric improves by at least `minImprovement`, at most `maxAttempts` in all. */
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(100).default(3),
      minImprovement: z.number().nonnegative().default(0),
    })
    .default({ maxAttempts: 3, minImprovement: 0 }),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

const mcpServerNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-zA-Z0-9_-]+$/, 'an MCP server name uses letters, digits, `_` and `-` only');

/** What every MCP server may set: how long it has to start, and how long one tool call may take. */
const mcpServerLimits = {
  /** Seconds to start (a command) or answer (a URL) and list its tools; 30 by default (`npx -y` is slow cold). */
  startupTimeoutSeconds: z.number().int().positive().max(3600).optional(),
  /** Seconds one tool call may take before it is cancelled; 600 by default. */
  toolTimeoutSeconds: z
    .number()
    .int()
    .positive()
    .max(24 * 3600)
    .optional(),
  /** The server's tools not to offer (by the server's own names), e.g. one of two that share a run name. */
  excludeTools: z.array(z.string().min(1).max(256)).max(256).optional(),
};

const envNameSchema = z.string().min(1).max(256);
const headerNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'an HTTP header name uses letters, digits and - only');

/** An MCP server whose tools a run may call: a command started on this machine, or a streamable HTTP URL. */
export const mcpServerSchema = z.discriminatedUnion('transport', [
  z
    .object({
      name: mcpServerNameSchema,
      transport: z.literal('stdio'),
      command: z.string().min(1).max(4096),
      args: z.array(z.string().max(4096)).max(100).optional(),
      /** Variables for the server's environment, with their values (settings.json, a spec): never recorded. */
      env: z.record(envNameSchema, z.string().max(16_384)).optional(),
      /**
       * The names of the variables the server gets, as a run records them; their values are looked up on
       * this machine when the server starts (settings.json's server of the same name, else the environment).
       */
      envNames: z.array(envNameSchema).max(100).optional(),
      ...mcpServerLimits,
    })
    .strict(),
  z
    .object({
      name: mcpServerNameSchema,
      transport: z.literal('http'),
      url: z.url({ protocol: /^https?$/ }),
      /** HTTP headers sent on every request (`Authorization: Bearer …`), with their values: never recorded. */
      headers: z.record(headerNameSchema, z.string().max(16_384)).optional(),
      /**
       * The names of the headers the server gets, as a run records them; their values are looked up on this
       * machine when the server is reached (settings.json's server of the same name, else the environment).
       */
      headerNames: z.array(headerNameSchema).max(100).optional(),
      ...mcpServerLimits,
    })
    .strict(),
]);
export type McpServer = z.infer<typeof mcpServerSchema>;

/** MCP servers, each named once. */
export const mcpServersSchema = z
  .array(mcpServerSchema)
  .max(32)
  .refine((servers) => new Set(servers.map((server) => server.name)).size === servers.length, {
    message: 'each MCP server needs a name of its own',
  });

/**
 * MCP servers as a run records them: the names of their environment variables and headers, never the
 * values (API keys, passwords), which stay in settings.json, a spec or the environment on this machine.
 */
export function recordableMcpServers(servers: readonly McpServer[]): McpServer[] {
  return servers.map((server) => {
    if (server.transport === 'http') {
      if (server.headers === undefined) return server;
      const { headers, ...rest } = server;
      return { ...rest, headerNames: [...new Set([...(server.headerNames ?? []), ...Object.keys(headers)])] };
    }
    if (server.env === undefined) return server;
    const { env, ...rest } = server;
    const envNames = [...new Set([...(server.envNames ?? []), ...Object.keys(env)])];
    return { ...rest, envNames };
  });
}

export const loopConfigSchema = z.object({
  maxSteps: z.number().int().positive().max(10_000).default(50),
  /** Tool names the model may call; all known tools when absent. */
  tools: z.array(z.string().min(1).max(128)).optional(),
  /** First match wins; the defaults by risk class come after these. */
  rules: z.array(approvalRuleSchema).default([]),
  budget: budgetSchema.default({}),
  /** Where commands run: the Docker sandbox, or (switched on explicitly) this machine. */
  runtime: z.enum(['sandbox', 'host']).default('sandbox'),
  /** What the sandbox may reach: nothing, unless the person grants an allow-list or the full network. */
  network: networkSchema.default('none'),
  /** The run will use the GPU (a spec's `gpu: true`): its commands run in the CUDA image, like its GPU jobs. */
  gpu: z.boolean().optional(),
  /**
   * The run's jobs (a spec's `jobs`): what they may use (job_start may say otherwise), what they are
   * watched for, and whether they resume by themselves.
   */
  jobs: jobSpecSchema.optional(),
  /** The evaluation gate of a loop spec: judged by the harness after each attempt. */
  evaluation: evaluationSchema.optional(),
  /** The loop spec the run was started from, and the parameters it was given. */
  spec: z
    .object({
      name: z.string().min(1).max(128),
      params: z.record(z.string().max(128), z.string().max(4096)),
      /** The spec file on the machine that ran it (to save the run as a spec there; never used from elsewhere). */
      file: z.string().max(4096).optional(),
    })
    .optional(),
  /** MCP servers whose tools the run may call (named `mcp__<server>__<tool>`). */
  mcpServers: mcpServersSchema.optional(),
});
export type LoopConfig = z.infer<typeof loopConfigSchema>;

/** The config as a run records it (see recordableMcpServers). */
export function recordableConfig(config: LoopConfig): LoopConfig {
  if (config.mcpServers === undefined) return config;
  return { ...config, mcpServers: recordableMcpServers(config.mcpServers) };
}

/** A recorded config with a new step limit or budget, as given when a stopped run is resumed. */
export function withLimits(
  config: LoopConfig,
  limits: { maxSteps?: number | undefined; budget?: Budget | undefined },
): LoopConfig {
  const budget = { ...config.budget };
  for (const [key, value] of Object.entries(limits.budget ?? {})) {
    if (value !== undefined) budget[key as keyof Budget] = value;
  }
  return { ...config, maxSteps: limits.maxSteps ?? config.maxSteps, budget };
}
