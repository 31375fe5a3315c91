// What a job (training, evaluation) may use, apart from the command sandbox's limits: CPUs, memory,
// processes and threads, shared memory, and how long it may run. Settings (`jobs`), a loop spec (`jobs`)
// and job_start each may set any of them; the most specific wins, and what none sets comes from the
// machine (jobs-resources.ts).
import { z } from 'zod';

/** A week: the longest a job may be given. */
export const MAX_JOB_TIMEOUT_SECONDS = 7 * 24 * 3600;

export const jobResourcesSchema = z.strictObject({
  cpus: z.number().positive().max(256).optional(),
  memoryMb: z.number().int().min(64).max(4_194_304).optional(),
  /** Processes and threads together (PyTorch and tokenizers start many threads). */
  pids: z.number().int().min(16).max(1_000_000).optional(),
  /** /dev/shm, where DataLoader workers hand batches over (Docker's default is 64 MB). */
  shmMb: z.number().int().min(64).max(1_048_576).optional(),
  timeoutSeconds: z.number().int().min(1).max(MAX_JOB_TIMEOUT_SECONDS).optional(),
});
export type JobResources = z.infer<typeof jobResourcesSchema>;
