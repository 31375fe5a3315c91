// `looplab replay <run-id>`: plays a recorded run back as a new run (no model server needed), runs its
// tools again in a fresh sandbox, and reports the first step whose result differs from the recording.
import type { EventPayload } from '../../shared/events';
import { previewText } from '../../shared/events';
import { AppError } from '../../shared/errors';
import { createApp, tidySandboxes, type App } from '../app';
import { firstDifference, type DivergenceMode } from '../core/replay';
import { readyModel, type ModelResolver, type ReadyModel } from '../runs/readiness';
import { divergenceOf, driveReplay, prepareReplay } from '../runs/replay';
import { workspaceDir } from '../runs/run-loop';
import { NO_GRANTS, type ReplayGrants } from '../runs/run-trust';
import { progressPrinter } from './progress';
import { exitCodes } from './run';
import { terminalGate, type ApproveMode } from './terminal-gate';

export interface ReplayCommandOptions {
  home: string;
  mode: DivergenceMode;
  /** The live model after a divergence (default: the source run's). */
  model?: string | undefined;
  contextLength?: number | undefined;
  approve: ApproveMode;
  /** What a run from elsewhere may have: this machine's runtime, the network, its MCP servers. */
  grants?: ReplayGrants;
  json: boolean;
  models: ModelResolver;
  write(text: string): void;
  progress(text: string): void;
}

export async function replayRun(sourceRunId: string, options: ReplayCommandOptions): Promise<number> {
  const app = createApp({ home: options.home, ui: 'web' });
  try {
    // Going on live after a divergence needs the model: checked before anything is recorded, as run does.
    const live = options.mode === 'continue' ? await liveModelFirst(app, sourceRunId, options) : undefined;
    const replay = prepareReplay(app, sourceRunId, options.grants ?? NO_GRANTS);
    const { runId } = replay;
    for (const notice of replay.notices) options.progress(`${notice}\n`);
    options.progress(`${runId}  replay of ${sourceRunId}  workspace ${workspaceDir(app, runId)}\n`);
    const controller = new AbortController();
    const interrupt = () => controller.abort(new Error('interrupted'));
    process.once('SIGINT', interrupt);
    await tidySandboxes(app);
    app.owners.claim(runId);
    try {
      const outcome = await driveReplay({
        app,
        replay,
        mode: options.mode,
        models: options.models,
        liveModel: () =>
          live === undefined
            ? readyModel(options.models, options.model ?? replay.sourceModel, options.contextLength, options.progress)
            : Promise.resolve(live),
        gate: terminalGate(options.approve, { input: process.stdin, output: process.stderr }),
        onProgress: progressPrinter(options.progress),
        signal: controller.signal,
      });
      const run = app.store.requireRun(runId);
      const diverged = divergenceOf(app.store.loadEvents(runId))?.payload;
      if (options.json) {
        const summary = {
          runId,
          sourceRunId,
          status: outcome.status,
          reason: outcome.reason,
          steps: run.steps,
          toolCalls: run.toolCalls,
          diverged: diverged === undefined ? null : divergenceJson(diverged),
        };
        options.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        options.write(divergenceReport(sourceRunId, diverged));
        options.write(`${runId} ${outcome.status}${outcome.reason === null ? '' : `: ${outcome.reason}`}\n`);
      }
      return exitCodes[outcome.status];
    } finally {
      process.off('SIGINT', interrupt);
      app.owners.release(runId);
      await app.sandbox.release(runId).catch(() => undefined);
    }
  } finally {
    app.close();
  }
}

function divergenceJson(diverged: EventPayload<'replay.diverged'>) {
  const text = (content: EventPayload<'replay.diverged'>['got']) => previewText(content, 100_000);
  return { ...diverged, expected: text(diverged.expected), got: text(diverged.got) };
}

/** The divergence in words: which step and call, and the first line that differs. */
export function divergenceReport(sourceRunId: string, diverged: EventPayload<'replay.diverged'> | undefined): string {
  if (diverged === undefined) return `Every tool result matched the recording of ${sourceRunId}.\n`;
  const { step, tool, callId, expectedError, gotError } = diverged;
  const text = (content: EventPayload<'replay.diverged'>['got']) => previewText(content, 100_000);
  const difference = firstDifference(text(diverged.expected), text(diverged.got));
  const lines = [`Diverged from ${sourceRunId} at step ${step}: ${tool} (call ${callId})`];
  if (expectedError !== gotError)
    lines.push(`  recorded ${expectedError ? 'an error' : 'success'}, got ${gotError ? 'an error' : 'success'}`);
  if (difference.line > 0) {
    lines.push(`  first difference at line ${difference.line} (normalised):`);
    lines.push(`    expected: ${difference.expected}`, `    got:      ${difference.got}`);
  }
  lines.push(diverged.then === 'stop' ? '  the replay stopped there' : '  the run went on live from there');
  return `${lines.join('\n')}\n`;
}

async function liveModelFirst(app: App, sourceRunId: string, options: ReplayCommandOptions): Promise<ReadyModel> {
  const name = options.model ?? app.store.requireRun(sourceRunId).model;
  try {
    return await readyModel(options.models, name, options.contextLength, options.progress);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError(
      error.code,
      `--on-divergence continue needs a live model to go on with, and ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`,
      error.hint ?? 'Start the model server, name another model with --model, or replay with --on-divergence stop.',
    );
  }
}
