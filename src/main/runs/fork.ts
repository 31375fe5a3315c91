// Forks a run from one of its events: a new run (origin "fork", its parent run and seq recorded) whose
// log starts with copies of the parent's events up to that seq, under the same seqs, so the conversation,
// the graph, resume and the step counts need nothing else; whose workspace is restored from the
// snapshot of that step; and which goes on with a new message, another model, or the other answer to
// an approval that was waiting there.
import { rm } from 'node:fs/promises';
import { AppError } from '../../shared/errors';
import type { Content, EventDraft, RunEvent } from '../../shared/events';
import type { LoopConfig } from '../../shared/loop-config';
import { pendingApprovals } from '../../shared/pending-approvals';
import { danglingCalls } from '../core/conversation';
import type { ApprovalDecision, ApprovalGate } from '../core/ports';
import type { SnapshotPayload } from '../store/workspace-snapshots';
import { recordedConfig } from './run-config';
import { runRecorder, type RunDeps } from './run-deps';
import { workspaceDir } from './run-loop';
import { trustedConfig } from './run-trust';

export interface ForkOptions {
  /** A message from the person, given to the model after the fork point. */
  message?: string | undefined;
  /** The answer to the approvals waiting at the fork point. */
  decision?: ApprovalDecision | undefined;
}

/** Where a fork starts, checked: the parent's events up to there and the workspace at that step. */
export interface ForkPoint {
  runId: string;
  seq: number;
  events: RunEvent[];
  goal: Content;
  /** The model the parent used at that step. */
  model: string;
  config: LoopConfig | undefined;
  manifest: string;
  snapshot: SnapshotPayload;
  /** Calls waiting for approval at the fork point. */
  pending: string[];
}

/** Checks that a run can be forked at `seq`, saying what is wrong when it cannot. */
export function forkPoint(app: RunDeps, runId: string, seq: number, options: ForkOptions = {}): ForkPoint {
  const run = app.store.requireRun(runId);
  if (!Number.isInteger(seq) || seq < 0 || seq > run.lastSeq) {
    throw new AppError(
      'invalid_input',
      `${runId} has no event #${seq}: its events are #0–#${run.lastSeq}.`,
      `Pick a step of the run; \`looplab show ${runId}\` lists its events.`,
    );
  }
  // With their text: the copies are appended again as data, and the store makes their references anew.
  const all = app.store.loadEvents(runId);
  const events = all.filter((event) => event.seq <= seq);
  const created = events[0];
  if (created?.type !== 'run.created') throw new AppError('internal', `${runId} does not start with run.created.`);
  const snapshot = events.findLast((event) => event.type === 'workspace.snapshot');
  if (snapshot?.type !== 'workspace.snapshot') {
    throw new AppError(
      'not_found',
      `${runId} has no workspace snapshot at or before event #${seq}, so its files at that step are not known.`,
      'Fork from a later step: snapshots are taken when a run starts and after each step that can change its files (runs recorded before snapshots existed have none).',
    );
  }
  if (snapshot.payload.manifest === null) {
    throw new AppError(
      'conflict',
      `The workspace of ${runId} was not captured at event #${seq}. ${snapshot.payload.skipped ?? ''}`.trim(),
      'Fork from an earlier step, where it was captured.',
    );
  }
  const pending = pendingApprovals(events).map((approval) => approval.callId);
  checkOptions(runId, seq, pending, options);
  checkDecisionChanges(runId, seq, all, pending, options.decision);
  const started = events.findLast((event) => event.type === 'model.started');
  return {
    runId,
    seq,
    events: events.slice(1),
    goal: created.payload.goal,
    model: started?.type === 'model.started' ? started.payload.model : created.payload.model,
    // The parent's constraints as they are now: limits a person raised later hold for the fork too.
    // A run from elsewhere goes on in the sandbox only, without its recorded evaluation or MCP servers.
    config: trustedConfig(app, runId, recordedConfig(all)),
    manifest: snapshot.payload.manifest,
    snapshot: snapshot.payload,
    pending,
  };
}

function checkOptions(runId: string, seq: number, pending: readonly string[], options: ForkOptions): void {
  if (options.decision !== undefined && pending.length === 0) {
    throw new AppError(
      'invalid_input',
      `Nothing waits for an approval at event #${seq} of ${runId}, so there is no decision to change.`,
      'Fork from the approval itself (its request event), or leave the decision out.',
    );
  }
  if (options.message !== undefined && pending.length > 0) {
    throw new AppError(
      'invalid_input',
      `At event #${seq} ${runId} waits for an approval; a message cannot come before its answer.`,
      'Give the other decision instead, or fork from the step after the approval.',
    );
  }
}

/** A fork that gives the answer the run already got (and the same feedback) would only repeat the run. */
function checkDecisionChanges(
  runId: string,
  seq: number,
  all: readonly RunEvent[],
  pending: readonly string[],
  decision: ApprovalDecision | undefined,
): void {
  if (decision === undefined) return;
  const recorded = all.find(
    (event) => event.seq > seq && event.type === 'approval.resolved' && pending.includes(event.payload.callId),
  );
  if (recorded?.type !== 'approval.resolved' || recorded.payload.decision !== decision.decision) return;
  const feedback = (value: Content | undefined) => (typeof value === 'string' ? value : value?.preview)?.trim() ?? '';
  const newFeedback = decision.decision === 'rejected' ? feedback(decision.feedback) : '';
  if (newFeedback !== '' && newFeedback !== feedback(recorded.payload.feedback)) return;
  const answer = decision.decision === 'approved' ? 'approved' : 'rejected';
  throw new AppError(
    'invalid_input',
    `At event #${seq} ${runId} was already ${answer}${answer === 'rejected' && newFeedback !== '' ? ' with the same feedback' : ''} (event #${recorded.seq}), so the fork would only repeat the run.`,
    answer === 'approved'
      ? 'Give --decision reject instead, or leave the decision out.'
      : 'Give --decision approve, or other feedback with --feedback.',
  );
}

/**
 * Records the fork and restores its workspace. Calls that had not finished at the fork point (and are
 * not waiting for approval) are closed as not run, so the new message follows complete tool results.
 */
export async function createFork(
  app: RunDeps,
  point: ForkPoint,
  options: { model: string; message?: string | undefined },
): Promise<string> {
  const runId = app.store.createRun({
    goal: point.goal,
    model: options.model,
    origin: 'fork',
    parent: { runId: point.runId, seq: point.seq },
    ...(point.config === undefined ? {} : { config: point.config }),
  }).runId;
  const folder = workspaceDir(app, runId);
  try {
    await app.snapshots.restore(runId, point.manifest, folder, point.snapshot);
  } catch (error) {
    app.store.deleteRun(runId);
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const copies = point.events.map((event) => ({ type: event.type, payload: event.payload, time: event.time }));
  const closed: EventDraft[] = danglingCalls(point.events)
    .filter(({ callId }) => !point.pending.includes(callId))
    .map(({ callId }) => ({
      type: 'tool.finished',
      payload: { callId, output: 'Not run: the run was forked before this call finished.', isError: true },
    }));
  const message: EventDraft[] =
    options.message === undefined
      ? []
      : [{ type: 'message.user', payload: { text: options.message, source: 'person' } }];
  // Through the fork's recorder: the person's message is redacted like everything a run records.
  runRecorder(app, runId, point.config).record([...(copies as EventDraft[]), ...closed, ...message]);
  return runId;
}

/** A gate that gives the fork's decision to the approvals waiting at the fork point, and asks for the rest. */
export function forkGate(gate: ApprovalGate, pending: readonly string[], decision: ApprovalDecision | undefined) {
  if (decision === undefined) return gate;
  const preset = new Set(pending);
  const forked: ApprovalGate = {
    ...(gate.asksPeople === undefined ? {} : { asksPeople: gate.asksPeople }),
    decide: (request, signal) => {
      if (!preset.delete(request.callId)) return gate.decide(request, signal);
      return Promise.resolve(decision);
    },
  };
  return forked;
}
