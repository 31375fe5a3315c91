// A second, real Docker engine reached over SSH the way a person reaches a GPU box: `.ci/remote-docker.sh`
// runs it with an OpenSSH server in a network namespace of its own, and prints the variables read here.
// Where LOOPLAB_REQUIRE_REMOTE=1 (CI), a remote that is not set up fails the suite instead of skipping it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { z } from 'zod';
import { knownKeys, sshCommand } from '../../src/main/sandbox/target-engines';

/** The image `.ci/remote-docker.sh` loads into the remote engine. */
export const REMOTE_IMAGE = 'looplab-sandbox:ci';
const SCRIPT = join(import.meta.dirname, '..', '..', '.ci', 'remote-docker.sh');

const Env = z.object({
  LOOPLAB_REMOTE_DOCKER: z.string().regex(/^ssh:\/\/[^@/]+@[^:/]+(:\d+)?$/, 'ssh://USER@HOST[:PORT]'),
  LOOPLAB_REMOTE_SSH_KEY: z.string().min(1),
  LOOPLAB_REMOTE_KNOWN_HOSTS: z.string().min(1),
});

export interface RemoteDockerConfig {
  url: string;
  username: string;
  host: string;
  port: number;
  /** Private key file, OpenSSH format. */
  keyPath: string;
  /** known_hosts file listing the remote's host key. */
  knownHostsPath: string;
}

function readConfig(env: NodeJS.ProcessEnv): RemoteDockerConfig | undefined {
  const parsed = Env.safeParse(env);
  if (!parsed.success) return undefined;
  const url = new URL(parsed.data.LOOPLAB_REMOTE_DOCKER);
  return {
    url: parsed.data.LOOPLAB_REMOTE_DOCKER,
    username: decodeURIComponent(url.username),
    host: url.hostname,
    port: url.port ? Number(url.port) : 22,
    keyPath: parsed.data.LOOPLAB_REMOTE_SSH_KEY,
    knownHostsPath: parsed.data.LOOPLAB_REMOTE_KNOWN_HOSTS,
  };
}

export const remoteRequired = process.env.LOOPLAB_REQUIRE_REMOTE === '1';
export const remoteDocker = readConfig(process.env);
/** True when remote-engine tests should be skipped: none configured here and none required. */
export const skipRemote = !remoteDocker && !remoteRequired;

export function requireRemote(): RemoteDockerConfig {
  if (!remoteDocker) {
    throw new Error(
      'A remote Docker engine over SSH is required (LOOPLAB_REQUIRE_REMOTE=1) but LOOPLAB_REMOTE_DOCKER, ' +
        'LOOPLAB_REMOTE_SSH_KEY and LOOPLAB_REMOTE_KNOWN_HOSTS are not set: run `bash .ci/remote-docker.sh` as root, ' +
        'then `eval "$(bash .ci/remote-docker.sh env)"`.',
    );
  }
  return remoteDocker;
}

/** The raw host key blobs a known_hosts file lists for host:port, read as the product reads them. */
export function knownHostKeys(path: string, host: string, port: number): Buffer[] {
  return knownKeys(readFileSync(path, 'utf8'), host, port);
}

export interface EngineOverrides {
  privateKey?: Buffer;
  knownHostsPath?: string;
  /** How long the SSH handshake (TCP connect included) may take, in ms. */
  readyTimeout?: number;
}

/** dockerode on the remote engine: one SSH connection per call, running `docker system dial-stdio` there. */
export function remoteEngine(config: RemoteDockerConfig, overrides: EngineOverrides = {}): Docker {
  const known = knownHostKeys(overrides.knownHostsPath ?? config.knownHostsPath, config.host, config.port);
  return new Docker({
    protocol: 'ssh',
    host: config.host,
    port: config.port,
    username: config.username,
    sshOptions: {
      privateKey: overrides.privateKey ?? readFileSync(config.keyPath),
      hostVerifier: (key: Buffer) => known.some((k) => k.equals(key)),
      readyTimeout: overrides.readyTimeout ?? 10_000,
    },
  });
}

/** Cuts the SSH link as a pulled cable would: packets to the remote are dropped, not refused. Needs root. */
export function cutLink(): void {
  execFileSync('bash', [SCRIPT, 'link', 'down'], { stdio: 'pipe' });
}

export function restoreLink(): void {
  execFileSync('bash', [SCRIPT, 'link', 'up'], { stdio: 'pipe' });
}

/** Stops the remote machine's engine and sshd (its containers stopped with it) and starts them again. */
export function restartRemote(): void {
  execFileSync('bash', [SCRIPT, 'down'], { stdio: 'pipe' });
  execFileSync('bash', [SCRIPT, 'up'], { stdio: 'pipe' });
}

/** Runs a shell line on the remote machine as its SSH user (what a person would type there). */
export function onRemote(config: RemoteDockerConfig, command: string): string {
  const target = { name: 'remote', host: config.url, identityFile: config.keyPath, knownHosts: config.knownHostsPath };
  return execFileSync('ssh', [...sshCommand(target)!.args, command], { encoding: 'utf8' });
}
