import { describe, expect, it } from 'vitest';
import { kubernetesTargetSchema } from '../../shared/targets';
import { jobManifest, kubeJobName } from './kube-manifest';

const target = kubernetesTargetSchema.parse({
  name: 'gpu-cluster',
  kind: 'kubernetes',
  namespace: 'ml',
  image: 'ghcr.io/lab/train:1',
  gpus: 2,
  nodeSelector: { pool: 'a100' },
});
const job = {
  jobId: 'job_0abc',
  runId: 'run_1',
  containerName: 'looplab-job-abcdef12-job_0abc',
  workspaceFolder: '/data/ws',
  gpu: true,
  startedAt: 1,
  timeoutSeconds: 3600,
};

function manifest(gpu: boolean) {
  const made = jobManifest(target, {
    job: { ...job, gpu },
    command: 'python train.py',
    gpu,
    env: { A: '1' },
    cpus: 4,
    memoryBytes: 8 * 2 ** 30,
    note: () => undefined,
  }) as { metadata: { name: string }; spec: { backoffLimit: number; template: { spec: Record<string, never> } } };
  const pod = made.spec.template.spec as unknown as {
    restartPolicy: string;
    nodeSelector: Record<string, string>;
    containers: { name: string; securityContext: unknown; resources: { limits: Record<string, string> } }[];
  };
  return { made, pod };
}

describe('the Kubernetes Job of a Looplab job', () => {
  it('runs without root, privilege escalation or capabilities, once, on the selected nodes', () => {
    const { made, pod } = manifest(false);
    expect(made.metadata.name).toBe('looplab-job-abcdef12-job-0abc');
    expect(made.spec.backoffLimit).toBe(0);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.nodeSelector).toEqual({ pool: 'a100' });
    for (const container of pod.containers)
      expect(container.securityContext).toEqual({
        runAsNonRoot: true,
        runAsUser: 1000,
        runAsGroup: 1000,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
  });

  it("asks for the target's GPUs for a GPU job only, with its cpus and memory", () => {
    const main = (gpu: boolean) => manifest(gpu).pod.containers.find((container) => container.name === 'job')!;
    expect(main(true).resources.limits).toEqual({ cpu: '4', memory: String(8 * 2 ** 30), 'nvidia.com/gpu': '2' });
    expect(main(false).resources.limits).toEqual({ cpu: '4', memory: String(8 * 2 ** 30) });
  });

  it('makes a DNS-1123 name of at most 63 characters', () => {
    const long = kubeJobName(`looplab-job-abcdef12-${'J_'.repeat(40)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
