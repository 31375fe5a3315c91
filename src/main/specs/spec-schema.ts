// What a loop spec may say: its fields and their rules (zod), strict at every level so a misspelt field
// is named rather than dropped, and where its paths are written.
import { z } from 'zod';
import {
  approvalRuleSchema,
  budgetSchema,
  evaluationSchema,
  jobSpecSchema,
  mcpServersSchema,
} from '../../shared/loop-config';
import type { SpecPathField } from './spec-paths';
import { networkSchema } from '../../shared/network-policy';

const NAME_RULE = 'use letters, digits, ".", "_" or "-", starting with a letter or digit, at most 128 characters';
const nameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, NAME_RULE)
  .max(128, NAME_RULE);

/** Why a spec name cannot be used, in one line; undefined when it can. */
export function specNameProblem(name: string): string | undefined {
  if (nameSchema.safeParse(name).success) return undefined;
  return `"${name}" cannot be a spec name: ${NAME_RULE}.`;
}
const paramNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a parameter name is a word: letters, digits, _');
const scalarSchema = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const paramSchema = z
  .object({ description: z.string().max(1024).optional(), default: scalarSchema.optional() })
  .strict();

export const loopSpecSchema = z
  .object({
    name: nameSchema,
    description: z.string().max(4096).optional(),
    /** The goal, with `{{param}}` placeholders. */
    goal: z
      .string()
      .min(1)
      .max(64 * 1024),
    params: z.record(paramNameSchema, paramSchema).default({}),
    /** `provider/model`; the run's --model or the default model when absent. */
    model: z.string().min(1).max(256).optional(),
    tools: z.array(z.string().min(1).max(128)).optional(),
    rules: z.array(approvalRuleSchema).default([]),
    maxSteps: z.number().int().positive().max(10_000).optional(),
    budget: budgetSchema.strict().default({}),
    runtime: z.enum(['sandbox', 'host']).default('sandbox'),
    network: networkSchema.default('none'),
    /** The runs will use the GPU: their commands run in the CUDA sandbox image, like their GPU jobs. */
    gpu: z.boolean().optional(),
    /**
     * The jobs its runs start: what they may use (CPUs, memory, shared memory, timeout), their `watches`
     * and `resume: auto` (job_start's own arguments win).
     */
    jobs: jobSpecSchema.optional(),
    /** Files or folders (relative to the spec) copied into the run's workspace before it starts. */
    data: z.array(z.string().min(1).max(4096)).default([]),
    /** Held-out paths here are relative to the spec; `command` may use `{{param}}` placeholders. */
    evaluation: evaluationSchema.strict().optional(),
    /** MCP servers whose tools the run may call. */
    mcpServers: mcpServersSchema.optional(),
    /** The sha256 of files in the spec's folder (relative paths), checked before each run. */
    checksums: z.record(z.string().min(1).max(4096), z.string().regex(/^[0-9a-f]{64}$/)).optional(),
  })
  .strict();
export type LoopSpec = z.infer<typeof loopSpecSchema>;

/** The data and held-out paths of a spec, with where each is written. */
export function pathFields(spec: LoopSpec): SpecPathField[] {
  return [
    ...spec.data.map((template, index) => ({ field: ['data', index], template })),
    ...(spec.evaluation?.heldOut ?? []).map((template, index) => ({
      field: ['evaluation', 'heldOut', index],
      template,
    })),
  ];
}

/** The fields known at a path of a spec, for naming what a misspelt field may have meant. */
export function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(loopSpecSchema.shape);
  if (path[0] === 'evaluation' && path.length === 1) return Object.keys(evaluationSchema.shape);
  if (path[0] === 'budget' && path.length === 1) return Object.keys(budgetSchema.shape);
  if (path[0] === 'jobs' && path.length === 1) return Object.keys(jobSpecSchema.shape);
  if (path[0] === 'params') return ['description', 'default'];
  return [];
}
