// Replays a recorded run as a new run (origin "replay", parent the source): the recorded model turns
// are played back (no model server), every tool runs again in a fresh workspace and sandbox, the
// recorded approvals are applied again. At the first tool result that differs from the recording the
// replay stops, or (on-divergence continue) a live model takes the replayed conversation on. A run
// started from a loop spec is replayed as it began: the spec's data copied into the fresh workspace and
// its held-out files found where this installation keeps them. A run from elsewhere (see run-trust.ts)
// replays in the sandbox with no network and no MCP servers unless the person grants them, its edited
// approvals are never applied, and its recorded evaluation and data paths are never used: only those
// of a spec of the same name on this machine.
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
  type ReplayState,
} from '../core/replay';
import { copyData, findSpec, prepareSpec, readLoopSpec, specDirs, type PreparedSpec } from '../specs/loop-spec';
import type { ModelResolver, ReadyModel } from './readiness';
import { recordedConfig } from './run-config';
import { runRecorder, type RunDeps } from './run-deps';
import { createRunLoop, workspaceDir } from './run-loop';
import { checkGrants, NO_GRANTS, recordingNeeds, type ReplayGrants } from './run-trust';

export interface PreparedReplay {
  runId: string;
  sourceRunId: string;
  /** The model the source run used: the replay's name for its recorded turns, and the default live model. */
  sourceModel: string;
  recording: Recording;
  config: LoopConfig;
  /** Whether the source was recorded in this data folder: only then are edited approvals applied again. */
  trusted: boolean;
  /** What the replay does not take from the recording, and why, to tell the person. */
  notices: string[];
}

/**
 * Checks the source can be replayed, with what the person granted when it came from elsewhere, and
 * records the replay's `run.created`. Nothing is recorded when it cannot.
 */
export function prepareReplay(app: RunDeps, sourceRunId: string, grants: ReplayGrants = NO_GRANTS): PreparedReplay {
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
  const needs = recordingNeeds(app, sourceRunId, recorded);
  checkGrants(sourceRunId, needs, grants);
  const trusted = !needs.fromElsewhere;
  const notices: string[] = [];
  const spec = specOf(app, recorded, trusted, notices);
  const config = trusted ? localConfig(recorded, spec) : elsewhereConfig(recorded, spec);
  const { runId } = app.store.createRun({
    goal,
    model: source.model,
    origin: 'replay',
    parent: { runId: sourceRunId, seq: source.lastSeq },
    config,
  });
  if (spec !== undefined) copyData(spec.data, workspaceDir(app, runId));
  return { runId, sourceRunId, sourceModel: source.model, recording, config, trusted, notices };
}

/** A run recorded here replays as recorded, its held-out files found where this installation keeps them. */
function localConfig(recorded: LoopConfig, spec: PreparedSpec | undefined): LoopConfig {
  if (spec?.config.evaluation === undefined || recorded.evaluation === undefined) return recorded;
  return { ...recorded, evaluation: { ...recorded.evaluation, heldOut: spec.config.evaluation.heldOut } };
}

/** A run from elsewhere is evaluated only as the spec of its name on this machine says, if there is one. */
function elsewhereConfig(recorded: LoopConfig, spec: PreparedSpec | undefined): LoopConfig {
  const { evaluation: _recorded, ...rest } = recorded;
  const evaluation = recorded.evaluation === undefined ? undefined : spec?.config.evaluation;
  return evaluation === undefined ? rest : { ...rest, evaluation };
}

/**
 * The loop spec a run was started from, prepared here with its recorded parameters, if it is still
 * found. The parameters of a run from elsewhere are not the person's: its paths must stay in the spec's
 * folder. What is not used is said in `notices`.
 */
function specOf(app: RunDeps, config: LoopConfig, trusted: boolean, notices: string[]): PreparedSpec | undefined {
  const unused = trusted ? undefined : describeRecorded(config);
  if (config.spec === undefined) {
    if (unused !== undefined) notices.push(`The recorded evaluation (${unused}) is not used: it came from elsewhere.`);
    return undefined;
  }
  try {
    const file = findSpec(config.spec.name, specDirs(app.paths.root));
    return prepareSpec(readLoopSpec(file), file, config.spec.params, { givenByPerson: trusted });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (unused !== undefined)
      notices.push(
        `The recorded evaluation (${unused}) is not used: it came from elsewhere, and the loop spec ${config.spec.name} cannot be used here: ${error.message}`,
      );
    return undefined;
  }
}

/** The recorded evaluation in words, shown rather than used. */
function describeRecorded(config: LoopConfig): string | undefined {
  const { evaluation } = config;
  if (evaluation === undefined) return undefined;
  const heldOut = evaluation.heldOut.length === 0 ? '' : `; held-out ${evaluation.heldOut.join(', ')}`;
  return `command ${evaluation.command}${heldOut}`;
}

export interface DriveReplayOptions {
  app: RunDeps;
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
  const state: ReplayState = {};
  const progress = options.onProgress === undefined ? {} : { onProgress: options.onProgress };
  const replayed = await createRunLoop({
    app,
    runId: replay.runId,
    model: { name: replay.sourceModel, provider: model, model: 'recording', info: REPLAY_MODEL_INFO },
    models: options.models,
    config: replay.config,
    gate: replayGate(replay.recording, options.gate, { model, state, trustEdits: replay.trusted }),
    price: () => model.lastCost(),
    check: replayCheck(replay.recording, model, options.mode, state),
    ...progress,
  }).run(signal);
  if (replayed.status !== 'running') return replayed;
  let live: ReadyModel;
  try {
    live = await options.liveModel();
  } catch (error) {
    const reason = `The replay diverged and cannot continue live: ${error instanceof Error ? error.message : String(error)}`;
    runRecorder(app, replay.runId, replay.config).record([
      { type: 'run.status', payload: { status: 'failed', reason } },
    ]);
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
