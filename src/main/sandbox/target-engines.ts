// The Docker engines jobs run on: this machine's (`local`), and each target of settings.json, reached
// over SSH with the person's own key or agent (the engine's `docker system dial-stdio` at the other end,
// which is what `docker -H ssh://…` uses too) or over TCP with TLS. The host's key is checked against
// known_hosts: an unknown host is refused, never trusted on first use.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { LOCAL_TARGET, type DockerTarget, type Target } from '../../shared/targets';
import { makeBackend } from './job-backends';
import type { JobBackend } from './jobs-handle';
import type { SshCommand } from './jobs-remote';

export interface TargetEngine {
  name: string;
  docker: Docker;
  /** The target as settings.json says; undefined for this machine's engine. */
  target?: DockerTarget;
  /** OpenSSH's arguments to reach its machine, for bulk copies (an ssh:// target). */
  ssh?: SshCommand;
}

/** What reaching a target over SSH takes: its address, key and known hosts. */
export type SshTarget = Pick<DockerTarget, 'name' | 'host' | 'identityFile' | 'knownHosts'>;

/** OpenSSH's arguments for an ssh:// target: the same key and known hosts, never asking anything. */
export function sshCommand(target: SshTarget): SshCommand | undefined {
  if (!target.host.startsWith('ssh://')) return undefined;
  const { username, host, port } = sshAddress(target);
  return {
    args: [
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'ServerAliveInterval=10',
      ...(target.knownHosts === undefined ? [] : ['-o', `UserKnownHostsFile=${target.knownHosts}`]),
      ...(target.identityFile === undefined ? [] : ['-i', target.identityFile, '-o', 'IdentitiesOnly=yes']),
      '-p',
      String(port),
      username === undefined ? host : `${username}@${host}`,
    ],
  };
}

/** How long an SSH connection may take to be ready before the target counts as unreachable. */
const SSH_READY_MS = 10_000;

/** A known_hosts line's hosts field matches `host` (port 22) or `[host]:port`, plain or hashed (`|1|salt|hash`). */
function hostMatches(field: string, host: string, port: number): boolean {
  const name = port === 22 ? host : `[${host}]:${port}`;
  return field.split(',').some((pattern) => {
    if (!pattern.startsWith('|1|')) return pattern === name;
    const [, , salt, hash] = pattern.split('|');
    if (salt === undefined || hash === undefined) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  });
}

/** The keys known_hosts holds for a host, as raw key blobs. */
export function knownKeys(text: string, host: string, port: number): Buffer[] {
  const keys: Buffer[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]!.startsWith('#') || fields[0]!.startsWith('@')) continue;
    if (hostMatches(fields[0]!, host, port)) keys.push(Buffer.from(fields[2]!, 'base64'));
  }
  return keys;
}

export interface SshAddress {
  username: string | undefined;
  host: string;
  port: number;
}

export function sshAddress(target: SshTarget): SshAddress {
  const url = new URL(target.host);
  return { username: url.username || undefined, host: url.hostname, port: Number(url.port || 22) };
}

export function readFile(path: string, what: string, target: SshTarget): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(
      'invalid_input',
      `Target ${target.name}: cannot read its ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      `Fix ${what === 'key' ? 'identityFile' : 'knownHosts'} of target ${target.name} in settings.json.`,
    );
  }
}

/**
 * docker-modem builds an `ssh:` URL it then parses with the legacy url.parse for every call over SSH, and
 * Node warns of that (DEP0170) on the terminal. The request itself goes through its SSH agent, not that
 * URL; this one warning is kept off the person's terminal, every other passes as before.
 */
function quietSshUrlWarning(): void {
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  if ((process.emitWarning as { looplabQuiet?: boolean }).looplabQuiet) return;
  const quiet = (...args: unknown[]) => {
    const [warning, second, third] = args;
    const code = typeof second === 'object' && second !== null ? (second as { code?: string }).code : third;
    if (code === 'DEP0170' && String(warning).includes('The URL ssh:')) return;
    emit(...args);
  };
  process.emitWarning = Object.assign(quiet, { looplabQuiet: true }) as typeof process.emitWarning;
}

/** A dockerode client of a target: over SSH (key or agent, host key checked) or TCP with TLS. */
export function targetDocker(target: DockerTarget): Docker {
  if (target.host.startsWith('tcp://')) {
    const url = new URL(target.host);
    const tls = target.tls;
    if (tls === undefined)
      throw new AppError(
        'invalid_input',
        `Target ${target.name} is tcp:// without tls.`,
        'Give tls: { ca, cert, key }: an engine without TLS lets anyone on the network run anything there.',
      );
    return new Docker({
      protocol: 'https',
      host: url.hostname,
      port: Number(url.port),
      ca: readFile(tls.ca, 'TLS CA', target),
      cert: readFile(tls.cert, 'TLS certificate', target),
      key: readFile(tls.key, 'TLS key', target),
    });
  }
  quietSshUrlWarning();
  const address = sshAddress(target);
  const known = knownKeys(
    readFile(target.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'), 'known_hosts', target),
    address.host,
    address.port,
  );
  const privateKey = target.identityFile === undefined ? undefined : readFile(target.identityFile, 'key', target);
  return new Docker({
    protocol: 'ssh',
    host: address.host,
    port: address.port,
    ...(address.username === undefined ? {} : { username: address.username }),
    sshOptions: {
      ...(privateKey === undefined ? { agent: process.env.SSH_AUTH_SOCK } : { privateKey }),
      readyTimeout: SSH_READY_MS,
      hostVerifier: (key: Buffer) => known.some((candidate) => candidate.equals(key)),
    },
  } as Docker.DockerOptions);
}

/** What went wrong reaching a target, in words that say what to do. */
export function targetFailure(target: DockerTarget, error: unknown): AppError {
  const message = error instanceof Error ? error.message : String(error);
  const where = target.host;
  const say = (text: string, hint: string) =>
    new AppError('unavailable', `Target ${target.name} (${where}): ${text}.`, hint);
  if (/verification failed|host denied/i.test(message))
    return say(
      'its host key is not in known_hosts',
      `Check the host's key and add it: ssh-keyscan -p <port> <host> >> ${target.knownHosts ?? '~/.ssh/known_hosts'} (or connect once with ssh).`,
    );
  if (/authentication methods failed|permission denied/i.test(message))
    return say(
      'SSH refused the key',
      "Add your public key to the user's ~/.ssh/authorized_keys there, or set identityFile (or load the key into ssh-agent).",
    );
  if (/ECONNREFUSED/.test(message))
    return say('nothing answers on its SSH port', 'Is sshd running there, and is the port right?');
  if (/timed out|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/i.test(message))
    return say(
      `it did not answer (${message})`,
      'Check the address and that this machine can reach it (VPN, firewall).',
    );
  if (/command not found|dial-stdio|exit code 127|unknown command/i.test(message))
    return say(
      'there is no Docker there (docker system dial-stdio failed)',
      'Install Docker on that machine and add the SSH user to its docker group.',
    );
  return say(message, 'Check the target with `looplab targets test ' + target.name + '`.');
}

/** The engines by target name: local always, the others from settings.json, each made once. */
export class TargetEngines {
  private readonly made = new Map<string, TargetEngine>();
  private readonly backends = new Map<string, JobBackend>();

  constructor(
    private readonly local: Docker,
    private readonly targets: () => readonly Target[],
  ) {}

  names(): string[] {
    return [LOCAL_TARGET, ...this.targets().map((target) => target.name)];
  }

  find(name: string): Target {
    const target = this.targets().find((candidate) => candidate.name === name);
    if (target === undefined)
      throw new AppError(
        'not_found',
        `There is no target named ${name}.`,
        `Targets: ${this.names().join(', ')} (settings.json "targets").`,
      );
    return target;
  }

  /** The target of that name when it is a scheduler (Slurm, Kubernetes) rather than a Docker engine. */
  backend(name: string | undefined): JobBackend | undefined {
    if (name === undefined || name === LOCAL_TARGET) return undefined;
    const target = this.find(name);
    if (target.kind === 'docker') return undefined;
    const key = `${name}:${createHash('sha256').update(JSON.stringify(target)).digest('hex')}`;
    const made = this.backends.get(key) ?? makeBackend(target);
    this.backends.set(key, made);
    return made;
  }

  /** Every scheduler target's backend that can be made. */
  allBackends(): JobBackend[] {
    return this.targets().flatMap((target) => {
      try {
        return target.kind === 'docker' ? [] : [this.backend(target.name)!];
      } catch {
        return [];
      }
    });
  }

  get(name: string = LOCAL_TARGET): TargetEngine {
    if (name === LOCAL_TARGET) return { name, docker: this.local };
    const target = this.find(name);
    if (target.kind !== 'docker')
      throw new AppError(
        'invalid_input',
        `Target ${name} is a ${target.kind === 'slurm' ? 'Slurm cluster' : 'Kubernetes cluster'}, not a Docker engine.`,
        'Only jobs go there (job_start with its target); commands run here.',
      );
    const key = `${name}:${createHash('sha256').update(JSON.stringify(target)).digest('hex')}`;
    const ssh = sshCommand(target);
    const made = this.made.get(key) ?? {
      name,
      docker: targetDocker(target),
      target,
      ...(ssh === undefined ? {} : { ssh }),
    };
    this.made.set(key, made);
    return made;
  }

  /** Every target's engine that can be made (one whose key or known_hosts cannot be read is left out). */
  remotes(): TargetEngine[] {
    return this.targets().flatMap((target) => {
      if (target.kind !== 'docker') return [];
      try {
        return [this.get(target.name)];
      } catch {
        return [];
      }
    });
  }
}
