// Where the Docker engine listens when DOCKER_HOST does not say: the current `docker context` (which
// Colima, Docker Desktop and Rancher Desktop set), else the first socket that exists of the system one,
// rootless Docker's and the per-user ones of the common engines. Without this, an engine that is running
// reads "Docker is not running" because it is not at /var/run/docker.sock.
// scripts/doctor.mjs (what `npm start` prints before anything is built) keeps the same order.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';

export function dockerSocketCandidates(home: string, env: NodeJS.ProcessEnv): string[] {
  return [
    '/var/run/docker.sock',
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []), // rootless Docker
    join(home, '.docker', 'desktop', 'docker.sock'), // Docker Desktop for Linux
    join(home, '.docker', 'run', 'docker.sock'), // Docker Desktop for macOS
    join(home, '.colima', 'default', 'docker.sock'),
    join(home, '.colima', 'docker.sock'),
    join(home, '.rd', 'docker.sock'), // Rancher Desktop
    join(home, '.orbstack', 'run', 'docker.sock'),
  ];
}

const configSchema = z.object({ currentContext: z.string().optional() });
const metaSchema = z.object({ Endpoints: z.object({ docker: z.object({ Host: z.string() }) }) });

/** The engine address of the current `docker context`, when one other than the default is chosen. */
export function contextHost(home: string, env: NodeJS.ProcessEnv): string | undefined {
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  try {
    const name =
      env.DOCKER_CONTEXT ||
      configSchema.parse(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8'))).currentContext;
    if (name === undefined || name === '' || name === 'default') return undefined;
    const id = createHash('sha256').update(name).digest('hex');
    const meta = metaSchema.parse(
      JSON.parse(readFileSync(join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')),
    );
    return meta.Endpoints.docker.Host;
  } catch {
    return undefined; // no config, or one this does not understand: the sockets below decide
  }
}

/**
 * Options for dockerode, or undefined where its own defaults are right (DOCKER_HOST set, Windows' pipe,
 * nothing found: the error then names the system socket, the usual place).
 */
export function dockerConnection(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
  exists: (path: string) => boolean = existsSync,
): Docker.DockerOptions | undefined {
  if (env.DOCKER_HOST || process.platform === 'win32') return undefined;
  const host = contextHost(home, env);
  // A context over TCP (with its TLS files) or SSH is for DOCKER_HOST and the docker CLI to name.
  if (host?.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const socket = dockerSocketCandidates(home, env).find((path) => exists(path));
  return socket === undefined ? undefined : { socketPath: socket };
}
