// `looplab sandbox build | status`: builds the image agent commands run in, with the build's progress on
// the terminal, and says whether the sandbox can work on this machine and, if not, how to fix it.
import { Command } from 'commander';
import type Docker from 'dockerode';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { BASE_IMAGE, LABEL_RUN } from '../sandbox/sandbox-names';
import type { BuildEvent } from '../sandbox/image';

export interface SandboxCommandDeps {
  write(text: string): void;
  /** Default: a client for the engine DOCKER_HOST (or the platform's default socket) names. */
  docker?: Docker;
  /** Redraw one progress line in place; default: whether stdout is a terminal. */
  interactive?: boolean;
}

const MB = 1e6;

/** What talks to Docker and builds images, loaded when a sandbox command runs. */
const sandboxModules = () => Promise.all([import('../sandbox/docker-status'), import('../sandbox/image')]);

/** The given client, else one for the engine DOCKER_HOST names; dockerode is loaded only to make one. */
async function dockerOf(deps: SandboxCommandDeps): Promise<Docker> {
  if (deps.docker !== undefined) return deps.docker;
  const [{ default: Dockerode }, { dockerConnection }] = await Promise.all([
    import('dockerode'),
    import('../sandbox/docker-socket'),
  ]);
  return new Dockerode(dockerConnection());
}

export interface BuildDisplay {
  onEvent(event: BuildEvent): void;
  /** Clears the live line, if any. */
  finish(): void;
}

/** Prints steps on their own lines; other output replaces one live line on a terminal, else is left out. */
export function buildDisplay(write: (text: string) => void, interactive: boolean): BuildDisplay {
  let live = false;
  const finish = () => {
    if (live) write('\r\x1b[K');
    live = false;
  };
  const onEvent = (event: BuildEvent) => {
    if (event.kind === 'step') {
      finish();
      write(`${event.text.slice(0, 160)}\n`);
      return;
    }
    if (!interactive) return;
    finish();
    write(`  ${event.text.replace(/\s+/g, ' ').slice(0, (process.stdout.columns ?? 100) - 4)}`);
    live = true;
  };
  return { onEvent, finish };
}

async function build(
  deps: SandboxCommandDeps,
  options: { offline?: boolean; cuda?: boolean; tag?: string; torch?: boolean },
): Promise<void> {
  const docker = await dockerOf(deps);
  const [{ checkDocker, inspectImage }, { buildSandboxImage, defaultTag, recipeFor }] = await sandboxModules();
  const recipe = recipeFor(options);
  const tag = options.tag ?? defaultTag(recipe);
  await checkDocker(docker);
  deps.write(`Building ${tag} from the ${recipe} recipe…\n`);
  const started = Date.now();
  const display = buildDisplay(deps.write, deps.interactive ?? process.stdout.isTTY === true);
  const buildArgs = options.torch === true ? { WITH_TORCH: '1' } : undefined;
  try {
    const result = await buildSandboxImage(docker, {
      recipe,
      tag,
      onEvent: display.onEvent,
      ...(buildArgs === undefined ? {} : { buildArgs }),
    });
    display.finish();
    const image = await inspectImage(docker, result.tag);
    const size = image === undefined ? '' : `, ${Math.round(image.Size / MB)} MB`;
    deps.write(`Built ${result.tag} in ${Math.round((Date.now() - started) / 1000)} s${size}.\n`);
  } finally {
    display.finish();
  }
}

const containerListSchema = z.array(
  z.object({ Labels: z.record(z.string(), z.string()).nullable().catch(null), State: z.string().catch('unknown') }),
);

const NVIDIA_HINT =
  'GPU jobs need the NVIDIA driver and the NVIDIA Container Toolkit: https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html';

async function status(deps: SandboxCommandDeps, options: { image?: string }): Promise<void> {
  const docker = await dockerOf(deps);
  const [{ checkDocker, dockerFailure, hasNvidiaRuntime, imageMissing, inspectImage }, { defaultTag }] =
    await sandboxModules();
  const engine = await checkDocker(docker);
  deps.write(`Docker engine ${engine.engineVersion} (API ${engine.apiVersion}): running\n`);
  const nvidia = await hasNvidiaRuntime(docker);
  deps.write(`NVIDIA runtime: ${nvidia ? 'present, GPU jobs can run' : `not found (${NVIDIA_HINT})`}\n`);
  const { egressSummary } = await import('../sandbox/egress-gateway');
  deps.write(`Network allow-lists: ${await egressSummary()}\n`);
  const tag = options.image ?? defaultTag('online');
  const cudaTag = process.env.LOOPLAB_SANDBOX_CUDA_IMAGE || defaultTag('cuda');
  for (const [name, why] of [
    [BASE_IMAGE, 'the offline base, for `looplab sandbox build --offline`'],
    [cudaTag, 'GPU jobs run in it: `looplab sandbox build --cuda`'],
  ] as const) {
    const found = await inspectImage(docker, name);
    const use = name === cudaTag ? ' (GPU jobs)' : '';
    deps.write(`Image ${name}${use}: ${found ? `present, ${Math.round(found.Size / MB)} MB` : `not built (${why})`}\n`);
  }
  let listed: z.infer<typeof containerListSchema>;
  try {
    listed = containerListSchema.parse(await docker.listContainers({ all: true, filters: { label: [LABEL_RUN] } }));
  } catch (error) {
    throw dockerFailure(error, docker);
  }
  const runs = listed.map((found) => `${found.Labels?.[LABEL_RUN] ?? '?'} (${found.State})`);
  deps.write(`Sandbox containers: ${runs.length === 0 ? 'none' : runs.join(', ')}\n`);
  const image = await inspectImage(docker, tag);
  if (image === undefined) throw imageMissing(tag);
  deps.write(`Image ${tag} (commands and CPU jobs): present, ${Math.round(image.Size / MB)} MB, ready\n`);
}

export function sandboxCommand(deps: SandboxCommandDeps): Command {
  const command = new Command('sandbox').description('the Docker sandbox agent commands run in');
  command
    .command('build')
    .description('build the sandbox image (needs Docker; --offline needs only a Debian mirror)')
    .option('--offline', `build FROM ${BASE_IMAGE} with Debian's numpy, pandas and scikit-learn`)
    .option('--torch', "with --offline, add Debian's python3-torch (CPU)")
    .option('--cuda', 'build the NVIDIA CUDA variant')
    .option('--tag <tag>', 'tag the image (default looplab-sandbox:<version>, -cuda for --cuda)')
    .action(async (options: { offline?: boolean; cuda?: boolean; tag?: string; torch?: boolean }) => {
      if (options.torch === true && options.offline !== true)
        throw new AppError('invalid_input', '--torch applies to --offline builds (the online image has torch).');
      await build(deps, options);
    });
  command
    .command('status')
    .description('say whether Docker and the sandbox image are ready, and which sandbox containers exist')
    .option('--image <tag>', 'the image to check (default looplab-sandbox:<version>)')
    .action((options: { image?: string }) => status(deps, options));
  return command;
}
