// Snapshots of every run's workspace, taken by the harness after each step that can change it: one
// capture at a time per run, compared with the run's last recorded snapshot so that an unchanged
// workspace records nothing, and a workspace over the cap records once that it is not captured.
import type { EventPayload, RunEvent } from '../../shared/events';
import { formatSize } from '../../shared/format';
import type { BlobStore } from './blob-store';
import { captureWorkspace, restoreWorkspace, type HashCache } from './workspace-snapshot';

export type SnapshotPayload = EventPayload<'workspace.snapshot'>;

/** 2 GiB of files, unless LOOPLAB_SNAPSHOT_MAX_BYTES says otherwise. */
export const DEFAULT_SNAPSHOT_MAX_BYTES = 2 * 1024 ** 3;

export function snapshotCapFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.LOOPLAB_SNAPSHOT_MAX_BYTES);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_SNAPSHOT_MAX_BYTES;
}

interface RunState {
  cache: HashCache;
  /** The last recorded snapshot of the run (undefined: none yet). */
  last: SnapshotPayload | undefined;
  queue: Promise<unknown>;
}

export interface SnapshotSource {
  /** The run's events, to find its last recorded snapshot the first time the run is captured here. */
  loadEvents(runId: string): RunEvent[];
}

/** For a run, whether text holds a known secret value; undefined when nothing is known to be secret. */
export type SecretCheck = (runId: string) => ((text: string) => boolean) | undefined;

/** The secret check of a redactor: text holds a secret when redacting changes it (or as `contains` says). */
export function holdsSecretOf(redactor: {
  text(value: string): string;
  contains?: (value: string) => boolean;
}): (text: string) => boolean {
  if (redactor.contains === undefined) return (text) => redactor.text(text) !== text;
  return (text) => redactor.contains?.(text) === true;
}

/** At most this many withheld files are named in one snapshot event. */
const WITHHELD_NAMED = 1000;

export class WorkspaceSnapshots {
  private readonly runs = new Map<string, RunState>();

  constructor(
    readonly blobs: BlobStore,
    private readonly source: SnapshotSource,
    readonly maxBytes = DEFAULT_SNAPSHOT_MAX_BYTES,
    /**
     * The host's check for known secret values in a run's files (its redactor): a file that holds one
     * is left out of the snapshot and named in it, so blobs/ never holds the secret.
     */
    private readonly secrets: SecretCheck = () => undefined,
  ) {}

  /**
   * Captures the run's workspace folder; returns what to record, or undefined when it is the same as the
   * last recorded snapshot. Never throws: a failure is returned as a snapshot that was not taken.
   */
  capture(
    runId: string,
    folder: string,
    origin: { callId?: string | undefined; jobId?: string | undefined } = {},
  ): Promise<SnapshotPayload | undefined> {
    const state = this.state(runId);
    const next = state.queue.then(() => this.captureNow(state, folder, origin, this.secrets(runId)));
    state.queue = next.catch(() => undefined);
    return next;
  }

  /** Restores a snapshot into a new run's empty folder; that run's next capture reuses the hashes. */
  async restore(runId: string, manifest: string, folder: string, last: SnapshotPayload): Promise<void> {
    const cache = await restoreWorkspace(this.blobs, manifest, folder);
    this.runs.set(runId, { cache, last, queue: Promise.resolve() });
  }

  /** Forgets a run's hashes (when it is no longer driven here). */
  forget(runId: string): void {
    this.runs.delete(runId);
  }

  private state(runId: string): RunState {
    let state = this.runs.get(runId);
    if (state === undefined) {
      const last = this.source.loadEvents(runId).findLast((event) => event.type === 'workspace.snapshot');
      state = {
        cache: new Map(),
        last: last?.type === 'workspace.snapshot' ? last.payload : undefined,
        queue: Promise.resolve(),
      };
      this.runs.set(runId, state);
    }
    return state;
  }

  private async captureNow(
    state: RunState,
    folder: string,
    origin: { callId?: string | undefined; jobId?: string | undefined },
    holdsSecret: ((text: string) => boolean) | undefined,
  ): Promise<SnapshotPayload | undefined> {
    const from = {
      ...(origin.callId === undefined ? {} : { callId: origin.callId }),
      ...(origin.jobId === undefined ? {} : { jobId: origin.jobId }),
    };
    let payload: SnapshotPayload;
    try {
      const options = { blobs: this.blobs, cache: state.cache, maxBytes: this.maxBytes, holdsSecret };
      const result = await captureWorkspace(folder, options);
      const withheld = result.ok ? result.withheld.slice(0, WITHHELD_NAMED) : [];
      payload = result.ok
        ? {
            manifest: result.manifest,
            files: result.files,
            bytes: result.bytes,
            newBytes: result.newBytes,
            ...(withheld.length === 0 ? {} : { withheld }),
            ...from,
          }
        : {
            manifest: null,
            files: 0,
            bytes: result.bytes,
            newBytes: 0,
            skipped: `Not captured: the workspace holds more than ${formatSize(this.maxBytes)}, the cap per run (LOOPLAB_SNAPSHOT_MAX_BYTES). Forks from here on are not possible until it is smaller.`,
            ...from,
          };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      payload = {
        manifest: null,
        files: 0,
        bytes: 0,
        newBytes: 0,
        skipped: `Not captured: ${message}`.slice(0, 512),
        ...from,
      };
    }
    const last = state.last;
    const unchanged =
      last !== undefined &&
      (payload.manifest === null ? last.manifest === null : last.manifest === payload.manifest) &&
      JSON.stringify(last.withheld ?? []) === JSON.stringify(payload.withheld ?? []);
    if (unchanged) return undefined;
    state.last = payload;
    return payload;
  }
}
