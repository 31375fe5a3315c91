// The sandbox's command round trip: `echo hi` and `python3 -c "print(1)"` through the bash tool (the agent
// in a persistent container, DockerWorkspace.exec) beside the same commands through a bare `docker exec`
// (create, start, wait) on the same container, measured in the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import { formatError, AppError } from '../src/shared/errors';
import type { ToolContext } from '../src/main/core/tool';
import { BASE_IMAGE, containerName } from '../src/main/sandbox/container-spec';
import { checkDocker } from '../src/main/sandbox/docker-status';
import { SandboxManager } from '../src/main/sandbox/sandbox-manager';
import { bashTool } from '../src/main/tools/bash';
import { report, skip } from './report';

const WARMUP = 10;
const ITERATIONS = 100;
const COMMANDS = ['echo hi', 'python3 -c "print(1)"'];

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function timings(work: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

const drain = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** One bare `docker exec`: create, start with output attached, read to the end, then its exit code. */
async function dockerExec(docker: Docker, container: Docker.Container, command: string): Promise<void> {
  const exec = await container.exec({ Cmd: ['bash', '-c', command], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  docker.modem.demuxStream(stream, drain(), drain());
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`docker exec ${command} exited ${ExitCode}`);
}

function context(manager: SandboxManager, runId: string, folder: string): ToolContext {
  return {
    runId,
    callId: 'call_bench',
    signal: new AbortController().signal,
    workspace: manager.workspace(runId, { workspaceFolder: folder }),
    progress: () => undefined,
    record: () => [],
    setPlan: () => undefined,
  };
}

export async function benchSandbox(): Promise<void> {
  const docker = new Docker();
  try {
    await checkDocker(docker, BASE_IMAGE);
  } catch (error) {
    const reason = error instanceof AppError ? formatError(error.toInfo()).replace('\n', ' ') : String(error);
    skip('sandbox exec round trip', `Docker is not available here: ${reason}`);
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'looplab-bench-sandbox-'));
  const manager = new SandboxManager({ home, docker, image: BASE_IMAGE });
  const runId = 'run_bench';
  const ctx = context(manager, runId, join(home, 'workspace'));
  try {
    await bashTool.run({ command: 'true' }, ctx);
    const container = docker.getContainer(containerName(manager.homeHash, runId));
    for (const command of COMMANDS) {
      const agent = await timings(async () => {
        const result = await bashTool.run({ command }, ctx);
        if (result.isError === true) throw new Error(`bash tool: ${result.output}`);
      });
      const bare = await timings(() => dockerExec(docker, container, command));
      const target = {
        target: 'p50 at most one third of docker exec’s',
        met: (p50: number) => p50 <= percentile(bare, 0.5) / 3,
      };
      report(
        `sandbox bash tool \`${command}\` p50`,
        percentile(agent, 0.5),
        'ms',
        { label: 'docker exec p50', value: percentile(bare, 0.5) },
        target,
      );
      report(`sandbox bash tool \`${command}\` p95`, percentile(agent, 0.95), 'ms', {
        label: 'docker exec p95',
        value: percentile(bare, 0.95),
      });
    }
  } finally {
    await manager.release(runId);
    rmSync(home, { recursive: true, force: true });
  }
}
