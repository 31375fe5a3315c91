// The offline base image every sandbox image is built FROM (resources/sandbox/build-base.sh): present
// where Docker is, runs Python, and has no network when started without one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, skipDocker } from './helpers/docker';

const run = promisify(execFile);
const IMAGE = 'looplab-base:bookworm';

describe.skipIf(skipDocker)('sandbox base image', () => {
  beforeAll(() => requireDocker());

  it('runs python3 as built offline', async () => {
    const { stdout } = await run('docker', [
      'run',
      '--rm',
      '--network',
      'none',
      IMAGE,
      'python3',
      '-c',
      'print(6 * 7)',
    ]);
    expect(stdout).toBe('42\n');
  });

  it('cannot reach the network when started without one', async () => {
    const probe =
      'import socket\ntry:\n socket.create_connection(("1.1.1.1", 53), timeout=3)\n print("reached")\nexcept OSError as e:\n print(type(e).__name__, e.errno)';
    const { stdout } = await run('docker', ['run', '--rm', '--network', 'none', IMAGE, 'python3', '-c', probe]);
    expect(stdout.trim()).toBe('OSError 101');
  });
});
