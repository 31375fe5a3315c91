import { describe, expect, it } from 'vitest';
import { jobCost, targetsSchema } from './targets';

describe('compute targets', () => {
  it('costs a GPU job per GPU-hour of the target, else a job per hour, else nothing', () => {
    const box = { gpus: 2, costPerHour: 1, costPerGpuHour: 3 };
    expect(jobCost(box, true, 1_800_000)).toBe(3);
    expect(jobCost(box, false, 1_800_000)).toBe(0.5);
    expect(jobCost({ costPerGpuHour: 2 }, true, 3_600_000)).toBe(2);
    expect(jobCost({ costPerGpuHour: 2 }, false, 3_600_000)).toBeUndefined();
  });

  it('refuses a target it could not reach safely, saying what is wrong', () => {
    const bad = (target: Record<string, unknown>) =>
      targetsSchema.safeParse([{ name: 'box', kind: 'docker', ...target }]);
    expect(bad({ host: 'ssh://me@gpu.lab:2222' }).success).toBe(true);
    expect(bad({ host: 'http://gpu.lab' }).error?.issues[0]?.message).toBe(
      'an engine address: ssh://user@host[:port], or tcp://host:port with tls',
    );
    expect(
      targetsSchema.safeParse([{ name: 'local', kind: 'docker', host: 'ssh://a@b' }]).error?.issues[0]?.message,
    ).toBe('"local" is this machine\'s own engine and cannot be redefined');
    const twice = { name: 'box', kind: 'docker', host: 'ssh://a@b' };
    expect(targetsSchema.safeParse([twice, twice]).error?.issues[0]?.message).toBe('two targets share a name');
  });
});
