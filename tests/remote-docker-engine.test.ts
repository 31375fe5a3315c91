// The remote Docker engine that remote-target jobs run on, reached the way Looplab reaches it: dockerode
// over SSH with a key and a known host key, running `docker system dial-stdio` on the other side. What a
// person would see: the engine answers, runs the sandbox image without network, stops answering while
// the link is cut and answers again once it is back, and says why it refuses a stranger's key or host.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerAvailable } from './helpers/docker';
import {
  REMOTE_IMAGE,
  type RemoteDockerConfig,
  cutLink,
  remoteEngine,
  requireRemote,
  restoreLink,
  skipRemote,
} from './helpers/remote-docker';

let config: RemoteDockerConfig;
let remote: Docker;
let scratch: string;
let stranger: string;

/** The error a promise rejects with, or a failure naming what it resolved to. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error as Error,
  );
}

/** An ed25519 key pair the remote has never seen: the private key's file (the public one beside it, .pub). */
function strangerKey(): string {
  const file = join(scratch, 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { stdio: 'pipe' });
  return file;
}

describe.skipIf(skipRemote)('a remote Docker engine over SSH', () => {
  beforeAll(() => {
    config = requireRemote();
    remote = remoteEngine(config);
    scratch = mkdtempSync(join(tmpdir(), 'looplab-remote-'));
    stranger = strangerKey();
  });
  afterAll(() => {
    if (!scratch) return;
    restoreLink(); // where a failed assertion left the link cut
    rmSync(scratch, { recursive: true, force: true });
  });

  it('answers through docker system dial-stdio on the remote host', async () => {
    const version = await remote.version();
    expect(version.ApiVersion).toMatch(/^1\.\d+$/);
    expect(version.Os).toBe('linux');
  });

  it.skipIf(!dockerAvailable)('is a different engine from the local one', async () => {
    const [there, here] = await Promise.all([remote.info(), new Docker().info()]);
    expect(there.ID).not.toBe(here.ID);
    expect(there.DockerRootDir).not.toBe(here.DockerRootDir);
  });

  it('runs the sandbox image there without network and gives back its output', async () => {
    expect((await remote.getImage(REMOTE_IMAGE).inspect()).RepoTags).toContain(REMOTE_IMAGE);
    const script = [
      'import socket',
      'print("hello from the remote engine")',
      'try:',
      '    socket.create_connection(("10.201.0.1", 22), timeout=2)',
      'except OSError as e:',
      '    print("network:", e.strerror)',
    ].join('\n');
    const container = await remote.createContainer({
      Image: REMOTE_IMAGE,
      Cmd: ['python3', '-c', script],
      Tty: true,
      HostConfig: { NetworkMode: 'none' },
    });
    try {
      await container.start();
      expect((await container.wait()) as { StatusCode: number }).toMatchObject({ StatusCode: 0 });
      const output = (await container.logs({ stdout: true, stderr: true })).toString();
      expect(output.split(/\r?\n/).filter(Boolean)).toEqual([
        'hello from the remote engine',
        'network: Network is unreachable',
      ]);
    } finally {
      await container.remove({ force: true });
    }
  });

  it(
    'fails within seconds while the link is cut, and answers again once it is restored',
    { timeout: 15_000 },
    async () => {
      const impatient = remoteEngine(config, { readyTimeout: 3_000 });
      cutLink();
      let error: Error;
      try {
        error = await rejection(impatient.ping());
      } finally {
        restoreLink();
      }
      expect(error.message).toBe('Timed out while waiting for handshake');
      expect(String(await impatient.ping())).toBe('OK');
    },
  );

  it('refuses a key it was not given', async () => {
    const error = await rejection(remoteEngine(config, { privateKey: readFileSync(stranger) }).version());
    expect(error.message).toBe('All configured authentication methods failed');
  });

  it('refuses to talk to a host whose key is not the known one', async () => {
    const other = join(scratch, 'known_hosts');
    const strangerPublic = readFileSync(`${stranger}.pub`, 'utf8').split(' ');
    writeFileSync(other, `${config.host} ${strangerPublic[0]} ${strangerPublic[1]}\n`);
    const error = await rejection(remoteEngine(config, { knownHostsPath: other }).version());
    expect(error.message).toBe('Host denied (verification failed)');
  });
});
