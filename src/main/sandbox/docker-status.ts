// Says whether the sandbox can work here and, when it cannot, what to do: Docker not installed, not
// running, the socket not ours to use, or the sandbox image not built yet. Every Docker failure the
// sandbox meets goes through `dockerFailure`, so a person reads the same words in the app and the CLI.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { searchPathOf } from './sandbox-env';

const dockerErrorSchema = z.object({
  code: z.string().optional(),
  statusCode: z.number().optional(),
  message: z.string().optional(),
  json: z.object({ message: z.string() }).partial().nullish().catch(undefined),
});

const versionSchema = z.object({ Version: z.string(), ApiVersion: z.string() });
const imageSchema = z.object({
  Id: z.string(),
  Created: z.string(),
  Size: z.number(),
  Config: z
    .object({ Env: z.array(z.string()).nullable().catch(null) })
    .nullable()
    .catch(null)
    .optional(),
});

export interface DockerStatus {
  engineVersion: string;
  apiVersion: string;
  image: { tag: string; id: string; created: string; sizeBytes: number } | undefined;
}

export const BUILD_HINT =
  'Build it with `looplab sandbox build` (add --offline on a machine without internet, --cuda for NVIDIA GPUs).';

export function imageMissing(image: string): AppError {
  return new AppError('unavailable', `The sandbox image ${image} is not built yet.`, BUILD_HINT);
}

function onPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

function socketName(docker: Docker | undefined): string {
  const socketPath: unknown = (docker?.modem as { socketPath?: unknown } | undefined)?.socketPath;
  return typeof socketPath === 'string' ? socketPath : (process.env.DOCKER_HOST ?? '/var/run/docker.sock');
}

/** Turns anything dockerode throws into an AppError that says what went wrong and how to fix it. */
export function dockerFailure(error: unknown, docker?: Docker, image?: string): AppError {
  if (error instanceof AppError) return error;
  const parsed = dockerErrorSchema.safeParse(error);
  const info = parsed.success ? parsed.data : {};
  const message = info.json?.message ?? info.message ?? String(error);
  switch (info.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      if (!onPath('docker'))
        return new AppError(
          'unavailable',
          'Docker is not installed: Looplab runs the agent’s commands in Docker containers.',
          'Install Docker Engine (Linux) or Docker Desktop (macOS, Windows): https://docs.docker.com/get-docker/',
        );
      return new AppError(
        'unavailable',
        `Docker is not running (nothing answers at ${socketName(docker)}).`,
        'Start it: `sudo systemctl start docker` on Linux, or open Docker Desktop.',
      );
    case 'EACCES':
    case 'EPERM':
      return new AppError(
        'unavailable',
        `Permission denied on the Docker socket ${socketName(docker)}.`,
        'Add yourself to the docker group: `sudo usermod -aG docker $USER`, then log out and back in.',
      );
  }
  if (info.statusCode === 404 && image !== undefined && /no such image|not found/i.test(message))
    return imageMissing(image);
  return new AppError('unavailable', `Docker failed: ${message.trim()}`);
}

/** The engine's version, and the image's details when one is named; throws a dockerFailure otherwise. */
export async function checkDocker(docker: Docker, image?: string): Promise<DockerStatus> {
  let version: z.infer<typeof versionSchema>;
  try {
    await docker.ping();
    version = versionSchema.parse(await docker.version());
  } catch (error) {
    throw dockerFailure(error, docker);
  }
  const status: DockerStatus = { engineVersion: version.Version, apiVersion: version.ApiVersion, image: undefined };
  if (image === undefined) return status;
  const found = await inspectImage(docker, image);
  if (found === undefined) throw imageMissing(image);
  return { ...status, image: { tag: image, id: found.Id, created: found.Created, sizeBytes: found.Size } };
}

/** The image's details, or undefined when it is not there. */
export async function inspectImage(docker: Docker, image: string): Promise<z.infer<typeof imageSchema> | undefined> {
  try {
    return imageSchema.parse(await docker.getImage(image).inspect());
  } catch (error) {
    if (dockerErrorSchema.safeParse(error).data?.statusCode === 404) return undefined;
    throw dockerFailure(error, docker, image);
  }
}

/** The PATH the image's containers start with (undefined when the image is not there). */
export async function imageSearchPath(docker: Docker, image: string): Promise<string | undefined> {
  const found = await inspectImage(docker, image);
  return found === undefined ? undefined : searchPathOf(found.Config?.Env);
}

const runtimesSchema = z.object({ Runtimes: z.record(z.string(), z.unknown()).nullable().catch(null) });

/** Whether the engine has NVIDIA's runtime registered (the NVIDIA Container Toolkit), which GPU jobs need. */
export async function hasNvidiaRuntime(docker: Pick<Docker, 'info'>): Promise<boolean> {
  try {
    const { Runtimes } = runtimesSchema.parse(await docker.info());
    return Object.keys(Runtimes ?? {}).some((name) => /nvidia/i.test(name));
  } catch {
    return false;
  }
}
