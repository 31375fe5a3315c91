// Replays a recorded run as a new run (origin "replay", parent the source): the recorded model turns
// are played back (no model server), every tool runs again in a fresh workspace and sandbox, the
// recorded approvals are applied again. At the first tool result that differs from the recording the
// replay stops, or (on-divergence continue) a live model takes the replayed conversation on. A run
// started from a loop spec is replayed as it began: the spec's data copied into the fresh workspace and
// its held-out files found where this installation keeps them (the recording may come from elsewhere).
import { AppError } from '../../shared/errors';
import type { RunEvent } from '../../shared/events';
import { loopConfigSchema, type LoopConfig } from '../../shared/loop-config';
import type { LoopOutcome, LoopProgress } from '../core/loop';
import type { ApprovalGate } from '../core/ports';
import {
  readRecording,
  REPLAY_MODEL_INFO,
  replayCheck,
  replayGate,
  ReplayModel,
  type DivergenceMode,
  type Recording,
} from '../core/replay';
import { copyData, findSpec, prepareSpec, readLoopSpec, specDirs, type PreparedSpec } from '../specs/loop-spec';
import type { ModelResolver, ReadyModel } from './readiness';
import { createRunLoop, recordedConfig, workspaceDir, type RunHost } from './run-loop';

export interface PreparedReplay {
  runId: string;
  sourceRunId: string;
  /** The model the source run used: the replay's name for its recorded turns, and the default live model. */
  sourceModel: string;
  recording: Recording;
  config: LoopConfig;
}

/** Checks the source can be replayed and records the replay's `run.created`. */
export function prepareReplay(app: RunHost, sourceRunId: string): PreparedReplay {
  const source = app.store.requireRun(sourceRunId);
  const events = app.store.loadEvents(sourceRunId);
  const recording = readRecording(events);
  if (recording.turns.length === 0) {
    throw new AppError(
      'conflict',
      `${sourceRunId} has no recorded model turns to replay.`,
      'Replay a run that got at least one reply from its model.',
    );
  }
  const created = events.find((event) => event.type === 'run.created');
  const goal = created?.type === 'run.created' ? created.payload.goal : source.goal;
  const recorded = recordedConfig(events) ?? loopConfigSchema.parse({});
  const spec = specOf(app, recorded);
  const config =
    spec?.config.evaluation === undefined || recorded.evaluation === undefined
      ? recorded
      : { ...recorded, evaluation: { ...recorded.evaluation, heldOut: spec.config.evaluation.heldOut } };
  const { runId } = app.store.createRun({
    goal,
    model: source.model,
    origin: 'replay',
    parent: { runId: sourceRunId, seq: source.lastSeq },
    config,
  });
  if (spec !== undefined) copyData(spec.data, workspaceDir(app, runId));
  return { runId, sourceRunId, sourceModel: source.model, recording, config };
}

/** The loop spec a run was started from, prepared here with its recorded parameters, if it is still found. */
function specOf(app: RunHost, config: LoopConfig): PreparedSpec | undefined {
  if (config.spec === undefined) return undefined;
  try {
    const file = findSpec(config.spec.name, specDirs(app.paths.root));
    return prepareSpec(readLoopSpec(file), file, config.spec.params);
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}

export interface DriveReplayOptions {
  app: RunHost;
  replay: PreparedReplay;
  mode: DivergenceMode;
  models: ModelResolver;
  /** The live model that takes over after a divergence; asked for only then. */
  liveModel: () => Promise<ReadyModel>;
  /** Asked about calls the recording never asked about (after a divergence, or live). */
  gate: ApprovalGate;
  onProgress?: (progress: LoopProgress) => void;
  signal: AbortSignal;
}

export async function driveReplay(options: DriveReplayOptions): Promise<LoopOutcome> {
  const { app, replay, signal } = options;
  const model = new ReplayModel(replay.recording);
  const progress = options.onProgress === undefined ? {} : { onProgress: options.onProgress };
  const replayed = await createRunLoop({
    app,
    runId: replay.runId,
    model: { name: replay.sourceModel, provider: model, model: 'recording', info: REPLAY_MODEL_INFO },
    models: options.models,
    config: replay.config,
    gate: replayGate(replay.recording, options.gate),
    price: () => model.lastCost(),
    check: replayCheck(replay.recording, model, options.mode),
    ...progress,
  }).run(signal);
  if (replayed.status !== 'running') return replayed;
  let live: ReadyModel;
  try {
    live = await options.liveModel();
  } catch (error) {
    const reason = `The replay diverged and cannot continue live: ${error instanceof Error ? error.message : String(error)}`;
    app.store.append(replay.runId, [{ type: 'run.status', payload: { status: 'failed', reason } }]);
    return { status: 'failed', reason };
  }
  return createRunLoop({
    app,
    runId: replay.runId,
    model: live,
    models: options.models,
    config: replay.config,
    gate: options.gate,
    ...progress,
  }).run(signal);
}

/** The divergence a replay recorded, if any. */
export function divergenceOf(events: readonly RunEvent[]): Extract<RunEvent, { type: 'replay.diverged' }> | undefined {
  const found = events.find((event) => event.type === 'replay.diverged');
  return found?.type === 'replay.diverged' ? found : undefined;
}
