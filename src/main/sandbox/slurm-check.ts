// `looplab targets test` for a Slurm cluster: what its login node says of Slurm (version, partitions,
// GPUs from their gres) and of the runtime jobs run in there (Apptainer, Enroot/Pyxis, Docker, Python).
import type { SlurmTarget, TargetCheck } from '../../shared/targets';

/** A shell line that prints `runtime|<its version>` when the target's runtime is there, `noruntime|` when not. */
export function runtimeProbe(target: SlurmTarget): string {
  const say = (probe: string) =>
    `{ v=$(${probe} 2>&1 | head -n 1) && printf 'runtime|%s\\n' "$v" || echo 'noruntime|'; }`;
  const runtime = target.runtime;
  switch (runtime.kind) {
    case 'python':
      return say(`${runtime.activate === undefined ? '' : `${runtime.activate} >/dev/null 2>&1 && `}python3 --version`);
    case 'apptainer':
      return say('apptainer --version');
    case 'enroot':
      return say(`srun --help | grep -q -- --container-image && enroot version`);
    case 'docker':
      return say(`docker version --format '{{.Server.Version}}'`);
  }
}

const RUNTIME_NAMES: Record<SlurmTarget['runtime']['kind'], string> = {
  python: 'Python',
  apptainer: 'Apptainer',
  enroot: 'Enroot with Pyxis (srun --container-image)',
  docker: 'Docker',
};

interface Partition {
  name: string;
  isDefault: boolean;
  up: boolean;
  gres: string;
}

/** The partitions sinfo listed (`part|gpu*|up|gpu:a100:8(S:0-1)`). */
function partitions(lines: string[]): Partition[] {
  return lines.flatMap((line) => {
    const match = /^part\|([A-Za-z0-9_.-]{1,128})(\*?)\|([a-z]{1,10})\|(.{0,500})$/.exec(line.trim());
    if (match === null) return [];
    return [{ name: match[1]!, isDefault: match[2] === '*', up: match[3] === 'up', gres: match[4]! }];
  });
}

/** GPUs of a gres field (`gpu:a100:8(S:0-1),shard:4` → `gpu:a100:8`). */
function gpusOf(gres: string): string[] {
  return gres
    .split(/,(?![^(]*\))/)
    .map((entry) => entry.replace(/\(.*\)$/, ''))
    .filter((entry) => /^gpu(:[A-Za-z0-9_.-]+)?:\d+$/.test(entry));
}

/** What the probe printed, as `targets test` shows it. */
export function parseCheck(target: SlurmTarget, text: string): Omit<TargetCheck, 'name' | 'kind' | 'address'> {
  const lines = text.split('\n');
  const field = (key: string) => lines.find((line) => line.startsWith(`${key}|`))?.slice(key.length + 1);
  const version = (field('version') ?? '').trim().slice(0, 100);
  const listed = partitions(lines);
  const gpuInventory = [
    ...new Set(listed.flatMap((part) => gpusOf(part.gres).map((gpus) => `${gpus} on partition ${part.name}`))),
  ];
  const runtimeVersion = field('runtime')?.trim().slice(0, 100);
  const runtimeName = RUNTIME_NAMES[target.runtime.kind];
  const runtime = runtimeVersion === undefined ? `${runtimeName}: not found` : `${runtimeName} (${runtimeVersion})`;
  const problems: string[] = [];
  if (field('nosbatch') !== undefined || !/\d+\.\d+/.test(version))
    problems.push("There is no Slurm there (sbatch not found): point host at the cluster's login node.");
  const wanted =
    target.partition === undefined
      ? listed.find((part) => part.isDefault)
      : listed.find((part) => part.name === target.partition);
  if (target.partition !== undefined && wanted === undefined)
    problems.push(
      `The partition ${target.partition} does not exist there (sinfo lists ${listed.map((part) => part.name).join(', ') || 'none'}).`,
    );
  else if (wanted !== undefined && !wanted.up)
    problems.push(`The partition ${wanted.name} is not up: jobs would wait.`);
  if (runtimeVersion === undefined)
    problems.push(
      `${runtimeName} is not there: install it on the cluster, or set runtime of target ${target.name} to what it has.`,
    );
  return {
    reachable: true,
    version,
    gpus: gpuInventory.length > 0,
    gpuInventory,
    runtime,
    ...(problems.length === 0 ? {} : { problem: problems.join(' ') }),
  };
}
