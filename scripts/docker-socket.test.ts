// Finding a running Docker engine that is not at /var/run/docker.sock: the app (src/main/sandbox/docker-socket.ts)
// and `npm start` (doctor.mjs, which runs before anything is built) must agree.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dockerSocket } from './doctor.mjs';
import { dockerConnection } from '../src/main/sandbox/docker-socket';

let home: string;
beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'looplab-docker-home-'))));
afterEach(() => rmSync(home, { recursive: true, force: true }));

function useContext(name: string, host: string): void {
  const meta = join(home, '.docker', 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: name }));
}

/** What the app and `npm start` would each connect to, given the sockets that exist. */
function both(env: NodeJS.ProcessEnv, present: string[]) {
  const exists = (path: string) => present.includes(path);
  return { app: dockerConnection(env, home, exists), start: dockerSocket(env, home, exists) };
}

describe('finding the Docker engine', () => {
  it('uses the system socket when it exists', () => {
    expect(both({}, ['/var/run/docker.sock'])).toEqual({
      app: { socketPath: '/var/run/docker.sock' },
      start: '/var/run/docker.sock',
    });
  });

  it.each([
    ['Docker Desktop for Linux', ['.docker', 'desktop', 'docker.sock']],
    ['Colima', ['.colima', 'default', 'docker.sock']],
    ['Rancher Desktop', ['.rd', 'docker.sock']],
  ])('finds %s by its per-user socket', (_name, parts) => {
    const socket = join(home, ...parts);
    expect(both({}, [socket])).toEqual({ app: { socketPath: socket }, start: socket });
  });

  it('finds rootless Docker in the runtime folder', () => {
    expect(both({ XDG_RUNTIME_DIR: '/run/user/1000' }, ['/run/user/1000/docker.sock']).app).toEqual({
      socketPath: '/run/user/1000/docker.sock',
    });
  });

  it('follows the current docker context before any socket', () => {
    useContext('colima', 'unix:///Users/ada/.colima/default/docker.sock');
    expect(both({}, ['/var/run/docker.sock'])).toEqual({
      app: { socketPath: '/Users/ada/.colima/default/docker.sock' },
      start: '/Users/ada/.colima/default/docker.sock',
    });
  });

  it('leaves DOCKER_HOST and remote contexts to dockerode and the docker CLI', () => {
    expect(dockerConnection({ DOCKER_HOST: 'tcp://10.0.0.2:2376' }, home, () => true)).toBeUndefined();
    useContext('lab', 'ssh://ada@gpu-box');
    expect(both({}, []).app).toBeUndefined();
  });
});
