// The sandbox's limits hold against hostile commands, and after each one the same run's sandbox still
// answers: a fork bomb, a memory hog, the network, host files, writes outside /workspace, a command past
// its timeout with a background child, and a command that kills the sandbox's own agent or its init.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, containerName } from '../src/main/sandbox/container-spec';
import type { DockerWorkspace } from '../src/main/sandbox/docker-workspace';
import { SandboxManager } from '../src/main/sandbox/sandbox-manager';
import { requireDocker, skipDocker } from './helpers/docker';

let base: string;
let manager: SandboxManager;
let workspace: DockerWorkspace;

const signal = new AbortController().signal;

function exec(command: string, timeoutMs = 20_000) {
  return workspace.exec(command, { timeoutMs, signal });
}

/** What the model would read: the output, or the error's message. */
async function outcome(command: string, timeoutMs?: number): Promise<string> {
  try {
    const result = await exec(command, timeoutMs);
    return `${result.output}[exit ${result.exitCode}${result.timedOut ? ', timed out' : ''}]`;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

/** Waits until the run's container holds at least `count` processes (as Docker counts them). */
async function untilPids(count: number): Promise<void> {
  const name = containerName(manager.homeHash, 'run_limits');
  for (let tries = 0; tries < 200; tries++) {
    const pids = Number(
      execFileSync('docker', ['stats', '--no-stream', '--format', '{{.PIDs}}', name], { encoding: 'utf8' }),
    );
    if (pids >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the container never held ${count} processes`);
}

async function stillWorks(): Promise<void> {
  expect(await exec('echo ok')).toEqual({ exitCode: 0, output: 'ok\n', timedOut: false });
}

describe.skipIf(skipDocker)('sandbox limits', () => {
  beforeAll(async () => {
    requireDocker();
    base = mkdtempSync(join(tmpdir(), 'looplab-sandbox-limits-'));
    writeFileSync(join(base, 'host-secret.txt'), 'host secret');
    manager = new SandboxManager({
      home: join(base, 'home'),
      image: BASE_IMAGE,
      limits: { memoryBytes: 256 * 1024 ** 2, pids: 64, tmpBytes: 16 * 1024 ** 2 },
    });
    workspace = manager.workspace('run_limits', { workspaceFolder: join(base, 'workspace') });
    await stillWorks();
  });

  afterAll(async () => {
    await manager?.release('run_limits');
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
  });

  it('runs as an unprivileged user with no capabilities and no way to gain any', async () => {
    expect(await outcome('id -u; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status')).toBe(
      `${process.getuid?.() === 0 ? 1000 : process.getuid?.()}\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n[exit 0]`,
    );
  });

  it('stops a fork bomb at the PIDs limit, and ends it with its command', async () => {
    const result = await exec('bomb() { bomb | bomb & }; bomb; sleep 2; echo "shell still here"', 10_000);
    expect(result.output).toMatch(/fork: (retry: )?Resource temporarily unavailable/);
    await stillWorks();
  });

  it('recovers from a fork bomb that escaped its process group', async () => {
    const bomb = 'import os, time\nwhile True:\n  try: os.fork()\n  except OSError: time.sleep(0.01)';
    // The second lets setsid take the bomb out of the command's group before the command ends.
    const result = await exec(`setsid python3 -c '${bomb}' > /dev/null 2>&1 & sleep 1; echo started`, 10_000);
    expect(result).toEqual({ exitCode: 0, output: 'started\n', timedOut: false });
    // On the sandbox's own count, not the clock: the bomb has taken every process slot.
    await untilPids(60);
    expect(await exec('echo ok')).toEqual({
      exitCode: 0,
      output:
        '[the sandbox had no room for a new process and was restarted: its processes and /tmp were cleared, /workspace is kept]\nok\n',
      timedOut: false,
    });
    await stillWorks();
  });

  it('kills a memory hog at the memory limit and says so', async () => {
    const result = await exec('python3 -c "data = b\'x\' * (1024 ** 3); print(len(data))"');
    expect(result.exitCode).toBe(137);
    expect(result.output).toBe(
      '[out of memory: a process was killed, the sandbox has 256.0 MiB; use less memory (smaller batches or data)]\n',
    );
    const inScript = await exec('python3 -c "data = b\'x\' * (1024 ** 3)"; echo "script goes on"');
    expect(inScript.exitCode).toBe(0);
    expect(inScript.output).toMatch(/Killed.*\nscript goes on\n\[out of memory: a process was killed, /);
    await stillWorks();
  });

  it('has no network', async () => {
    expect(await outcome('echo hi > /dev/tcp/1.1.1.1/53')).toMatch(/Network is unreachable\n\[exit 1\]$/);
    expect(
      await outcome(
        'python3 -c "import socket; socket.create_connection((\'151.101.0.223\', 443), timeout=3)" 2>&1 | tail -1',
      ),
    ).toBe('OSError: [Errno 101] Network is unreachable\n[exit 0]');
    expect(await outcome('python3 -c "import socket; socket.getaddrinfo(\'pypi.org\', 443)" 2>&1 | tail -1')).toMatch(
      /^socket.gaierror: \[Errno -[23]\]/,
    );
    await stillWorks();
  });

  it('sees nothing of the host but the workspace', async () => {
    expect(await outcome(`cat ${join(base, 'host-secret.txt')}`)).toMatch(/No such file or directory\n\[exit 1\]$/);
    expect(await outcome('ls /var/run/docker.sock /root 2>&1 | head -1')).toMatch(
      /cannot access '\/var\/run\/docker.sock': No such file or directory/,
    );
    expect(await outcome("awk '$2 ~ /^\\/workspace/ {print $2}' /proc/mounts")).toBe('/workspace\n[exit 0]');
    await stillWorks();
  });

  it('cannot write outside /workspace, and /tmp is small', async () => {
    expect(await outcome('touch /evil')).toBe("touch: cannot touch '/evil': Read-only file system\n[exit 1]");
    expect(await outcome('echo x >> /etc/passwd')).toMatch(/\/etc\/passwd: (Read-only file system|Permission denied)/);
    expect(await outcome('head -c 64000000 /dev/zero > /tmp/fill')).toMatch(/No space left on device\n\[exit 1\]$/);
    await exec('rm -f /tmp/fill');
    await stillWorks();
  });

  it('kills a command past its timeout together with its background child', async () => {
    // Unkilled, the command would outlast the test's own timeout.
    const result = await exec('sleep 600 & echo $! > bg.pid; echo started; sleep 600', 800);
    expect(result).toEqual({ exitCode: 137, output: 'started\n', timedOut: true });
    expect(
      await outcome(
        'pid=$(cat bg.pid); for i in $(seq 50); do kill -0 $pid 2>/dev/null || { echo gone; exit 0; }; sleep 0.1; done; echo alive',
      ),
    ).toBe('gone\n[exit 0]');
  });

  it('ends what a command left in the background when its shell exits, without waiting for it', async () => {
    // Had the shell's exit waited for its child, this would outlast the test's own timeout.
    expect(await outcome('sleep 600 & echo $! > bg.pid; echo done')).toBe('done\n[exit 0]');
    expect(await outcome('kill -0 $(cat bg.pid) 2>/dev/null && echo alive || echo gone')).toBe('gone\n[exit 0]');
  });

  it('survives a command that kills the sandbox agent', async () => {
    const killAgent =
      'echo $$ > victim.pid; for p in /proc/[0-9]*; do grep -qa "looplab-ag""ent" $p/cmdline 2>/dev/null && kill -9 ${p#/proc/}; done; sleep 60';
    expect(await outcome(killAgent)).toBe(
      'error: The sandbox stopped while the command ran: the sandbox’s command runner was killed, perhaps by the command itself or for lack of memory. It restarts on the next call; files in /workspace are kept.',
    );
    await stillWorks();
    expect(
      await outcome(
        'pid=$(cat victim.pid); for i in $(seq 50); do kill -0 $pid 2>/dev/null || { echo "left nothing running"; exit 0; }; sleep 0.1; done; echo alive',
      ),
    ).toBe('left nothing running\n[exit 0]');
  });

  it('survives a command that stops the container (kill 1), keeping the workspace files', async () => {
    await workspace.writeFile('kept.txt', 'kept');
    expect(await outcome('kill 1; sleep 5')).toMatch(
      /^error: The sandbox stopped while the command ran: the sandbox container stopped \(exit code \d+\)\./,
    );
    await stillWorks();
    expect(await workspace.readFile('kept.txt')).toBe('kept');
  });
});
