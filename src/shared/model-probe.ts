// A model's capability check, as stored in the data folder and shown beside the model in the start form:
// four short tool-calling checks, each passed or not with a line a person reads, and what they add up to.
import { z } from 'zod';
import { probeCheckIds, type ProbeCheckId } from './probe-checks';

export { probeCheckIds, probeCheckNames, type ProbeCheckId } from './probe-checks';

export const probeCheckSchema = z.object({
  id: z.enum(probeCheckIds),
  passed: z.boolean(),
  /** What the model did, in words a person reads. */
  verdict: z.string().max(1000),
  latencyMs: z.number().int().nonnegative(),
  /** The call was written as text and recovered (its format: hermes, json-block, mistral, llama). */
  recoveredFrom: z.string().max(40).optional(),
});
export type ProbeCheck = z.infer<typeof probeCheckSchema>;

export const probeReportSchema = z.object({
  model: z.string().min(1).max(300),
  /** When it was probed (ISO 8601). */
  probedAt: z.iso.datetime(),
  checks: z.array(probeCheckSchema).max(probeCheckIds.length),
  passed: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  /** What to do with the model, in one line. */
  recommendation: z.string().max(1000),
});
export type ProbeReport = z.infer<typeof probeReportSchema>;

/** `model-probes.json` in the data folder: the latest probe of each model, by its full name. */
export const probeFileSchema = z.object({
  version: z.literal(1),
  probes: z.record(z.string(), probeReportSchema),
});
export type ProbeFile = z.infer<typeof probeFileSchema>;

/** The stored probes, and why none could be read when the file is broken (it is then ignored). */
export interface ProbeList {
  probes: Record<string, ProbeReport>;
  notice?: string;
}

/** A probe under way: how many checks are done, and the one running now. */
export interface ProbeProgress {
  model: string;
  done: number;
  total: number;
  checking: ProbeCheckId | undefined;
}
