// What a run's sandbox container is, as plain data: the image, the one host folder it sees, the user, the
// limits and the network. Kept apart from the code that talks to Docker so the policy reads in one place.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type Docker from 'dockerode';
import { appVersion } from '../version';
import { bindMounts, engineUser, PLAIN_ENGINE, type BindMount, type EngineProfile } from './engine-profile';
import { relaySource } from './sandbox-resources';
import { HF_CACHE_PATH, sandboxEnv } from './sandbox-env';
import { LABEL_HOME, LABEL_RUN, LABEL_VERSION } from './sandbox-names';

export { BASE_IMAGE, LABEL_HOME, LABEL_RUN, LABEL_VERSION } from './sandbox-names';
export const WORKSPACE_PATH = '/workspace';

/** The image users build with `looplab sandbox build`, tagged with the app's version. */
export function defaultImage(version = appVersion()): string {
  return `looplab-sandbox:${version}`;
}

/**
 * What a command in the sandbox may reach. `none`: nothing. `bridge`: Docker's default network (the full
 * network, granted for the run). `egress`: no network either, but the folder holding the run's egress
 * proxy socket is mounted and a relay inside forwards 127.0.0.1:3128 (HTTP_PROXY) to it: the proxy lets
 * through only the hosts of the run's allow-list (see egress-proxy.ts).
 */
export type SandboxNetwork = 'none' | 'bridge' | { egress: string };

/** Where the egress socket's folder is mounted in the container, and the relay's port. */
export const EGRESS_MOUNT = '/run/looplab-net';
export const EGRESS_SOCKET = 'proxy.sock';
export const RELAY_PORT = 3128;

/** A shell loop that ends once the relay listens in the container, or after `seconds` (a try each 20 ms). */
export function relayWait(seconds: number): string {
  return `for _ in $(seq ${seconds * 50}); do (exec 3<>/dev/tcp/127.0.0.1/${RELAY_PORT}) 2>/dev/null && break; sleep 0.02; done`;
}

export interface SandboxLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
  tmpBytes: number;
  /** Free space the workspace's disk keeps: below it, a sandbox that goes on writing is stopped. */
  diskReserveBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 4 * 1024 ** 3,
  cpus: 2,
  pids: 256,
  tmpBytes: 1024 ** 3,
  diskReserveBytes: 1024 ** 3,
};

export interface ContainerSpecInput {
  runId: string;
  homeHash: string;
  image: string;
  workspaceFolder: string;
  limits: SandboxLimits;
  network: SandboxNetwork;
  user: string;
  /** What kind of engine makes it (rootless, SELinux); a plain rootful one unless told. */
  engine?: EngineProfile;
  /** The image's PATH, kept behind the workspace's user installs (sandbox-env.ts). */
  searchPath?: string | undefined;
  /** The data folder's shared Hugging Face cache, mounted read-write when given. */
  hfCache?: string | undefined;
}

/** A short stable hash of the data folder, so two Looplab homes on one machine never touch each other's containers. */
export function homeHash(home: string): string {
  return createHash('sha256').update(resolve(home)).digest('hex').slice(0, 16);
}

export function containerName(homeHashValue: string, runId: string): string {
  return `looplab-${homeHashValue.slice(0, 8)}-${runId.replace(/[^a-zA-Z0-9_.-]/g, '-')}`;
}

/** The container's user: the host user's uid:gid so files in the workspace stay theirs, or 1000:1000 for root. */
export function sandboxUser(uid = process.getuid?.(), gid = process.getgid?.()): string {
  if (uid === undefined || gid === undefined || uid === 0) return '1000:1000';
  return `${uid}:${gid}`;
}

export function runLabels(homeHashValue: string, runId: string): Record<string, string> {
  return { [LABEL_RUN]: runId, [LABEL_HOME]: homeHashValue, [LABEL_VERSION]: appVersion() };
}

export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  const { limits } = input;
  const engine = input.engine ?? PLAIN_ENGINE;
  return {
    name: containerName(input.homeHash, input.runId),
    Image: input.image,
    // docker-init as PID 1 reaps orphaned processes, so zombies never eat the PIDs limit; the agent is
    // started beside it with `docker exec`.
    // With an allow-list, the relay to the egress proxy is the container's main process instead.
    Cmd: typeof input.network === 'object' ? ['python3', '-c', relaySource()] : ['sleep', 'infinity'],
    User: engineUser(input.user, engine),
    WorkingDir: WORKSPACE_PATH,
    Env: [
      ...sandboxEnv({ searchPath: input.searchPath, hfCache: input.hfCache !== undefined }),
      ...proxyEnv(input.network),
    ],
    Labels: runLabels(input.homeHash, input.runId),
    HostConfig: {
      Init: true,
      ...bindMounts(containerMounts(input), engine),
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,nosuid,nodev,size=${limits.tmpBytes},mode=1777` },
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      NetworkMode: typeof input.network === 'object' ? 'none' : input.network,
      IpcMode: 'private',
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'none', Config: {} },
    },
  };
}

function containerMounts(input: ContainerSpecInput): BindMount[] {
  const workspace = { source: resolve(input.workspaceFolder), target: WORKSPACE_PATH, readOnly: false };
  const cache =
    input.hfCache === undefined ? [] : [{ source: resolve(input.hfCache), target: HF_CACHE_PATH, readOnly: false }];
  if (typeof input.network !== 'object') return [workspace, ...cache];
  return [workspace, ...cache, { source: resolve(input.network.egress), target: EGRESS_MOUNT, readOnly: true }];
}

/**
 * The proxy variables that pip, huggingface_hub, git, curl and requests read (some only in lower case).
 * Loopback stays direct: it is the container's own.
 */
export function proxyEnv(network: SandboxNetwork): string[] {
  if (typeof network !== 'object') return [];
  const url = `http://127.0.0.1:${RELAY_PORT}`;
  return [
    ...['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy'].map((name) => `${name}=${url}`),
    'NO_PROXY=localhost,127.0.0.1',
    'no_proxy=localhost,127.0.0.1',
    `LOOPLAB_PROXY_SOCKET=${EGRESS_MOUNT}/${EGRESS_SOCKET}`,
    `LOOPLAB_PROXY_PORT=${RELAY_PORT}`,
  ];
}
