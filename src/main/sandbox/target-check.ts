// What `looplab targets test` and Settings' Test button say of a target: a Docker engine answers, has the
// image its jobs run in and can give them GPUs (which ones, asked of nvidia-smi in a container there); a
// scheduler target (Slurm, Kubernetes) answers its backend's own check.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { LOCAL_TARGET, targetAddress, type TargetCheck } from '../../shared/targets';
import { dockerFailure, inspectImage } from './docker-status';
import { targetFailure, type TargetEngine, type TargetEngines } from './target-engines';

const versionSchema = z.object({ Version: z.string().catch('') });
const infoSchema = z.object({ Runtimes: z.record(z.string(), z.unknown()).nullish() });

/** `looplab targets test`: the engine answers, has the image its jobs run in, and can give them GPUs. */
export async function checkTarget(engine: TargetEngine, sandboxImage: string): Promise<TargetCheck> {
  const { target } = engine;
  const base = { name: engine.name, kind: target === undefined ? ('local' as const) : ('docker' as const) };
  const address = target?.host ?? 'this machine';
  try {
    const version = versionSchema.parse(await engine.docker.version()).Version;
    const gpus = 'nvidia' in (infoSchema.parse(await engine.docker.info()).Runtimes ?? {});
    const name = target?.image ?? sandboxImage;
    const present = (await inspectImage(engine.docker, name)) !== undefined;
    const inventory = gpus && present ? await listGpus(engine.docker, name) : undefined;
    const where = target === undefined ? '' : ` | ssh ${target.host.replace(/^ssh:\/\//, '')} docker load`;
    const problem = present ? {} : { problem: `The image ${name} is not there: docker save ${name}${where}.` };
    const listed = inventory === undefined ? {} : { gpuInventory: inventory };
    return { ...base, address, reachable: true, version, image: { name, present }, gpus, ...listed, ...problem };
  } catch (error) {
    const failure = target === undefined ? dockerFailure(error, engine.docker) : targetFailure(target, error);
    return { ...base, address, reachable: false, problem: `${failure.message} ${failure.hint ?? ''}`.trim() };
  }
}

/**
 * A target's check by name: a scheduler's (Slurm, Kubernetes) own, else its Docker engine's. A target
 * that cannot even be set up (its key or known_hosts unreadable, a kind this version cannot use) is
 * reported unreachable with what is wrong; an unknown name is an error.
 */
export async function testTarget(engines: TargetEngines, name: string, sandboxImage: string): Promise<TargetCheck> {
  try {
    return await (engines.backend(name)?.check() ?? checkTarget(engines.get(name), sandboxImage));
  } catch (error) {
    if (name === LOCAL_TARGET || !(error instanceof AppError) || error.code === 'not_found') throw error;
    const target = engines.find(name);
    const problem = `${error.message} ${error.hint ?? ''}`.trim();
    return { name, kind: target.kind, address: targetAddress(target), reachable: false, problem };
  }
}

const GPU_LIST_MS = 30_000;

/**
 * The GPUs a job there would get, as nvidia-smi in a container with every GPU says (the NVIDIA runtime
 * mounts it into any image): "2 × NVIDIA H100 80GB HBM3 (81559 MiB)". Undefined when that cannot be told.
 */
export async function listGpus(docker: Docker, image: string): Promise<string[] | undefined> {
  const query = ['nvidia-smi', '--query-gpu=name,memory.total', '--format=csv,noheader'];
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const hostConfig = {
    AutoRemove: true,
    NetworkMode: 'none',
    DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }],
  };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), GPU_LIST_MS)));
  try {
    const ran = docker
      .run(image, query, output, { HostConfig: hostConfig, Entrypoint: [] })
      .then(([result]: [{ StatusCode?: number }]) => (result.StatusCode === 0 ? gpuInventory(text) : undefined))
      .catch(() => undefined);
    return await Promise.race([ran, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** nvidia-smi's CSV lines ("NVIDIA H100 80GB HBM3, 81559 MiB"), alike ones counted together. */
export function gpuInventory(csv: string): string[] {
  const counts = new Map<string, number>();
  for (const line of csv.split('\n')) {
    const [name, memory] = line.split(',').map((field) => field.trim());
    if (name === undefined || name === '') continue;
    const label = memory === undefined || memory === '' ? name : `${name} (${memory})`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, count]) => (count === 1 ? label : `${count} × ${label}`));
}
