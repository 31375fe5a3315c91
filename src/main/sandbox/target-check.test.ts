// A target's test by name, as `looplab targets test` and the settings screen make it: a target whose
// engine cannot even be set up (its known_hosts unreadable, a kind this version cannot send jobs to) is
// reported unreachable with what to fix; a name no target has is an error.
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import type { Target } from '../../shared/targets';
import { TargetEngines } from './target-engines';
import { gpuInventory, testTarget } from './target-check';

const targets: Target[] = [
  { name: 'gpu-box', kind: 'docker', host: 'ssh://me@gpu-box', knownHosts: '/nonexistent/known_hosts' },
  { name: 'hpc', kind: 'slurm', host: 'ssh://me@login.invalid', runtime: { kind: 'python' } },
];
const engines = new TargetEngines(new Docker({ socketPath: '/nonexistent.sock' }), () => targets);

describe('testTarget', () => {
  it('reports a target whose known_hosts cannot be read as unreachable, saying what to fix', async () => {
    const check = await testTarget(engines, 'gpu-box', 'looplab-sandbox:ci');
    expect(check).toMatchObject({ name: 'gpu-box', kind: 'docker', address: 'ssh://me@gpu-box', reachable: false });
    expect(check.problem).toContain('cannot read its known_hosts /nonexistent/known_hosts');
    expect(check.problem).toContain('Fix knownHosts of target gpu-box in settings.json.');
  });

  it('reports a scheduler target it cannot make as unreachable, or checks it with its own backend', async () => {
    const check = await testTarget(engines, 'hpc', 'looplab-sandbox:ci');
    // A login node that does not resolve: unreachable either way, with what went wrong.
    expect(check).toMatchObject({ name: 'hpc', kind: 'slurm', address: 'ssh://me@login.invalid', reachable: false });
    expect(check.problem).toMatch(/\S/);
  });

  it('refuses a name no target has', async () => {
    await expect(testTarget(engines, 'nowhere', 'looplab-sandbox:ci')).rejects.toThrow(
      'There is no target named nowhere.',
    );
  });
});

describe('the GPUs a Docker target lists', () => {
  it('counts alike GPUs together from nvidia-smi', () => {
    const csv = [
      'NVIDIA H100 80GB HBM3, 81559 MiB',
      'NVIDIA H100 80GB HBM3, 81559 MiB',
      'NVIDIA GeForce RTX 4090, 24564 MiB',
      '',
    ].join('\n');
    expect(gpuInventory(csv)).toEqual(['2 × NVIDIA H100 80GB HBM3 (81559 MiB)', 'NVIDIA GeForce RTX 4090 (24564 MiB)']);
  });

  it('lists nothing when nvidia-smi printed nothing', () => {
    expect(gpuInventory('\n')).toEqual([]);
  });
});
