// GPU sampling of a GPU job: nvidia-smi's answer read, and samples recorded into the job's series through
// a fake sampler; where no GPU can be read, nothing is recorded.
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../shared/events';
import { parseNvidiaSmi, type GpuSampler } from './jobs-gpu';
import { JobSupervisor } from './jobs-supervisor';
import { WatchSet } from './jobs-watches';

async function sampled(sampler: GpuSampler): Promise<EventDraft[]> {
  const recorded: EventDraft[] = [];
  let answered!: () => void;
  const asked = new Promise<void>((resolve) => (answered = resolve));
  const counting: GpuSampler = { sample: () => sampler.sample().finally(() => setImmediate(answered)) };
  const supervisor = new JobSupervisor('job_gpu', new WatchSet([], undefined, 0), {
    record: (drafts) => recorded.push(...drafts),
    gpu: { sampler: counting },
  });
  supervisor.start();
  await asked;
  supervisor.stop();
  return recorded;
}

describe('GPU sampling', () => {
  it('reads nvidia-smi’s CSV: mean utilisation and memory summed over the GPUs', () => {
    expect(parseNvidiaSmi('37, 10240\n')).toEqual({ utilizationPct: 37, memoryUsedMiB: 10240 });
    expect(parseNvidiaSmi('90, 70000\n10, 1000\n')).toEqual({ utilizationPct: 50, memoryUsedMiB: 71000 });
    expect(parseNvidiaSmi('NVIDIA-SMI has failed because it couldn’t communicate with the NVIDIA driver.\n')).toBe(
      undefined,
    );
  });

  it('records a sample into the job’s series, marked as the GPU’s', async () => {
    const recorded = await sampled({ sample: async () => ({ utilizationPct: 88, memoryUsedMiB: 20480 }) });
    expect(recorded).toEqual([
      {
        type: 'job.metric',
        payload: { jobId: 'job_gpu', values: { gpu_utilization_pct: 88, gpu_memory_mib: 20480 }, source: 'gpu' },
      },
    ]);
  });

  it('records nothing where no GPU can be read', async () => {
    expect(await sampled({ sample: async () => undefined })).toEqual([]);
  });
});
