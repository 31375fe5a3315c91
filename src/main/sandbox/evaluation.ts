// The harness's evaluation of an attempt: the spec's command in a container of its own, with the run's
// workspace mounted read-only and the held-out files read-only under /heldout. The agent's container
// never has those mounts, so the agent cannot read what it is judged on; the metric is read from this
// command's output, never from anything the model says.
import { basename, isAbsolute, resolve } from 'node:path';
import { statSync } from 'node:fs';
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import type { Evaluation } from '../../shared/loop-config';
import type { EvaluationResult, Evaluator } from '../core/evaluation-gate';
import { newId } from '../../shared/ids';
import { BASE_IMAGE, containerSpec, DEFAULT_LIMITS, LABEL_HOME, sandboxUser, WORKSPACE_PATH } from './container-spec';
import { dockerFailure, inspectImage } from './docker-status';
import { parseMetricLine } from './jobs-metrics';
import { bindMounts, engineProfile, type EngineProfile } from './engine-profile';
import { stageHeldOut } from './held-out-staging';
import type { SandboxManager } from './sandbox-manager';

export const HELD_OUT_PATH = '/heldout';
export const LABEL_EVAL = 'dev.looplab.eval';

/** The most output kept from an evaluation, from its end. */
const TAIL_LINES = 400;
const MAX_OUTPUT_CHARS = 16 * 1024;

/** Checks held-out paths before a run starts: each must exist, be absolute, and have a distinct name. */
export function checkHeldOut(paths: readonly string[]): void {
  const names = new Set<string>();
  for (const path of paths) {
    if (!isAbsolute(path)) throw new AppError('invalid_input', `Held-out path ${path} is not absolute.`);
    try {
      statSync(path);
    } catch {
      throw new AppError(
        'not_found',
        `The held-out file ${path} does not exist.`,
        'Fix the path in the loop spec (paths are relative to the spec file).',
      );
    }
    const name = basename(path);
    if (names.has(name))
      throw new AppError('invalid_input', `Two held-out paths are both named ${name}.`, 'Give them distinct names.');
    names.add(name);
  }
}

/** The value of `metric` on the last output line that is a JSON object carrying it. */
export function metricFrom(output: string, metric: string): number | undefined {
  const lines = output.split('\n');
  for (let index = lines.length - 1; index >= 0; index--) {
    const value = parseMetricLine(lines[index]!)?.values[metric];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Splits the engine's multiplexed log stream (8-byte frame headers) into text. */
export function demuxLogs(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

export class SandboxEvaluator implements Evaluator {
  private readonly docker: Docker;

  constructor(
    private readonly sandbox: Pick<SandboxManager, 'docker' | 'home' | 'homeHash' | 'image' | 'check'>,
    private readonly workspaceFolder: string,
    private readonly runId: string,
  ) {
    this.docker = sandbox.docker;
  }

  async evaluate(evaluation: Evaluation, signal: AbortSignal): Promise<EvaluationResult> {
    const { evalId, exitCode, output, timedOut } = await this.runOnce(
      ['bash', '-c', evaluation.command],
      evaluation.heldOut,
      evaluation.timeoutSeconds,
      signal,
    );
    return { evalId, exitCode, output, value: metricFrom(output, evaluation.metric), timedOut };
  }

  /**
   * Runs `cmd` once in an evaluation container (workspace read-only, `heldOut` read-only under /heldout,
   * no network) and returns the tail of its output.
   */
  async runOnce(
    cmd: readonly string[],
    heldOut: readonly string[],
    timeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<{ evalId: string; exitCode: number; output: string; timedOut: boolean }> {
    await this.sandbox.check();
    const image = (await inspectImage(this.docker, this.sandbox.image)) === undefined ? BASE_IMAGE : this.sandbox.image;
    const evalId = newId('eval');
    const engine = await engineProfile(this.docker);
    const staged = stageHeldOut(heldOut, this.sandbox.home, evalId);
    const spec = this.evalSpec({ evalId, image, engine, heldOut: staged.paths, cmd, timeoutSeconds });
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(spec);
    } catch (error) {
      staged.release();
      throw dockerFailure(error, this.docker, image);
    }
    const kill = () => void container.kill().catch(() => undefined);
    signal.addEventListener('abort', kill, { once: true });
    try {
      await container.start();
      const waited = (await container.wait()) as { StatusCode?: number };
      if (signal.aborted) throw signal.reason;
      const raw = (await container.logs({ stdout: true, stderr: true, tail: TAIL_LINES, follow: false })) as Buffer;
      const output = demuxLogs(raw);
      const exitCode = waited.StatusCode ?? -1;
      const kept = output.length > MAX_OUTPUT_CHARS ? `…${output.slice(-MAX_OUTPUT_CHARS)}` : output;
      return { evalId, exitCode, output: kept, timedOut: exitCode === 137 };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw error instanceof AppError ? error : dockerFailure(error, this.docker, image);
    } finally {
      signal.removeEventListener('abort', kill);
      await container.remove({ force: true, v: true }).catch(() => undefined);
      staged.release();
    }
  }

  /** The evaluation container: the workspace and the staged held-out files read-only, no network, a time limit. */
  private evalSpec(input: {
    evalId: string;
    image: string;
    engine: EngineProfile;
    heldOut: readonly string[];
    cmd: readonly string[];
    timeoutSeconds: number;
  }): Docker.ContainerCreateOptions {
    const { evalId, image, engine, heldOut } = input;
    const base = containerSpec({
      runId: this.runId,
      homeHash: this.sandbox.homeHash,
      image,
      workspaceFolder: this.workspaceFolder,
      limits: DEFAULT_LIMITS,
      network: 'none',
      user: sandboxUser(),
      engine,
    });
    const mounts = bindMounts(
      [
        { source: resolve(this.workspaceFolder), target: WORKSPACE_PATH, readOnly: true },
        ...heldOut.map((path) => ({ source: path, target: `${HELD_OUT_PATH}/${basename(path)}`, readOnly: true })),
      ],
      engine,
    );
    return {
      ...base,
      name: `looplab-eval-${this.sandbox.homeHash.slice(0, 8)}-${evalId}`,
      Cmd: ['timeout', '--signal=KILL', `${input.timeoutSeconds}s`, ...input.cmd],
      Labels: { [LABEL_EVAL]: this.runId, [LABEL_HOME]: this.sandbox.homeHash },
      HostConfig: {
        ...base.HostConfig,
        ...mounts,
        NetworkMode: 'none',
        LogConfig: { Type: 'json-file', Config: { 'max-size': '16m', 'max-file': '1' } },
      },
    };
  }
}
