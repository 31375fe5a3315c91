// What a job is watched for while it runs (set with job_start or as a spec's default for its jobs), and
// whether it resumes by itself from its newest checkpoint when it is killed. A watch that fires is
// recorded (`job.watch`), wakes the loop and shows in the jobs panel; it never stops the job itself.
import { z } from 'zod';
import { formatDuration } from './format';

const metricName = z.string().min(1).max(128).describe('A metric the job prints, e.g. "loss".');

export const jobWatchSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('non_finite'),
      /** A metric that turns NaN or infinite; any metric when absent. */
      metric: metricName.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('plateau'),
      metric: metricName,
      /** How many of its logged values in a row bring no improvement. */
      logs: z.number().int().min(2).max(10_000).default(5),
      /** The smallest change that counts as an improvement. */
      minDelta: z.number().nonnegative().default(0),
      /** Which way is better: lower for a loss (the default), higher for an accuracy. */
      better: z.enum(['lower', 'higher']).default('lower'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('silent'),
      /** Minutes without a line of output. */
      minutes: z
        .number()
        .positive()
        .max(7 * 24 * 60),
    })
    .strict(),
  z.object({ kind: z.literal('eta_over_budget') }).strict(),
]);
export type WatchRule = z.infer<typeof jobWatchSchema>;
export type WatchRuleInput = z.input<typeof jobWatchSchema>;
export type WatchKind = WatchRule['kind'];

export const jobWatchesSchema = z
  .array(jobWatchSchema)
  .max(16)
  .refine((watches) => new Set(watches.map(watchKey)).size === watches.length, {
    message: 'each watch is given once (one per kind and metric)',
  });

/** `auto`: a job killed (SIGKILL: out of memory, `docker kill`, a restart) resumes from its newest checkpoint. */
export const jobResumeSchema = z.enum(['manual', 'auto']);
export type JobResumePolicy = z.infer<typeof jobResumeSchema>;

/** A spec's defaults for the jobs its runs start; job_start's own arguments take precedence. */
export const jobDefaultsSchema = z
  .object({
    watches: jobWatchesSchema.optional(),
    resume: jobResumeSchema.optional(),
    /** The compute target the jobs run on (settings.json's `targets`); this machine's engine when absent. */
    target: z.string().min(1).max(40).optional(),
  })
  .strict();
export type JobDefaults = z.infer<typeof jobDefaultsSchema>;

/** What makes two watches the same: their kind and metric. */
export function watchKey(watch: { kind: string; metric?: string | undefined }): string {
  return `${watch.kind}:${watch.metric ?? ''}`;
}

/** A watch in words, e.g. "loss turns NaN or infinite", "eval_loss stops improving over 5 logs". */
export function describeWatch(watch: WatchRule): string {
  switch (watch.kind) {
    case 'non_finite':
      return `${watch.metric ?? 'a metric'} turns NaN or infinite`;
    case 'plateau': {
      const by = watch.minDelta > 0 ? ` by ${watch.minDelta}` : '';
      return `${watch.metric} stops improving${by} over ${watch.logs} logs`;
    }
    case 'silent':
      return `no output for ${formatDuration(watch.minutes * 60_000)}`;
    case 'eta_over_budget':
      return 'the estimated end falls past the run’s time budget';
  }
}
