// The one way a run's events are written. Every writer of a run (the loop, the evaluation gate, a tool
// through ctx.record, a limit raised on resume, a failure before the loop starts) records through the
// run's recorder, so each event is redacted with every known secret, appended, and then published to the
// loop's state and to whoever watches. What streams before it is recorded (a model's words, a command's
// output) goes through the same redactor.
import type { EventDraft, RunEvent } from '../../shared/events';
import type { RunLog } from './ports';
import type { Redactor } from './redact';
import { RedactedStream } from './redact-stream';

/** What a run tells its watchers: each recorded event, and text as it streams (never persisted as such). */
export type LoopProgress =
  | { type: 'text'; delta: string }
  | { type: 'tool-output'; callId: string; chunk: string }
  | { type: 'event'; event: RunEvent };

export type StreamedProgress = Exclude<LoopProgress, { type: 'event' }>;

export interface Recorder {
  readonly runId: string;
  /** The run's redactor, for what a host shows that is not an event (an outcome's reason). */
  readonly redactor: Redactor;
  /** Redacts, appends and publishes; returns the events as recorded, large text inline. */
  record(drafts: readonly EventDraft[]): RunEvent[];
  /** Publishes streamed text, redacted; a tail that may be the start of a secret waits for more. */
  stream(progress: StreamedProgress): void;
  /** Hears every recorded event and streamed chunk from now on; returns what stops it. */
  watch(listener: (progress: LoopProgress) => void): () => void;
}

export class RunRecorder implements Recorder {
  private readonly listeners = new Set<(progress: LoopProgress) => void>();
  private readonly text: RedactedStream;
  private readonly outputs = new Map<string, RedactedStream>();

  constructor(
    private readonly log: RunLog,
    readonly runId: string,
    readonly redactor: Redactor,
  ) {
    this.text = new RedactedStream(redactor);
  }

  record(raw: readonly EventDraft[]): RunEvent[] {
    const drafts = raw.map((draft) => ({ ...draft, payload: this.redactor.value(draft.payload) }) as EventDraft);
    const stored = this.log.append(this.runId, drafts);
    // The full payloads, as recorded: the log may have moved large text to blobs.
    const recorded = stored.map((event, index) => ({ ...event, payload: drafts[index]!.payload }) as RunEvent);
    for (const event of recorded) {
      this.endStreams(event);
      this.publish({ type: 'event', event });
    }
    return recorded;
  }

  stream(progress: StreamedProgress): void {
    if (progress.type === 'text') return this.publishText(this.text.push(progress.delta));
    let output = this.outputs.get(progress.callId);
    if (output === undefined) this.outputs.set(progress.callId, (output = new RedactedStream(this.redactor)));
    this.publishOutput(progress.callId, output.push(progress.chunk));
  }

  watch(listener: (progress: LoopProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a stream kept back is shown before the event that ends it. */
  private endStreams(event: RunEvent): void {
    if (event.type === 'model.finished') this.publishText(this.text.flush());
    if (event.type !== 'tool.finished') return;
    const output = this.outputs.get(event.payload.callId);
    if (output === undefined) return;
    this.outputs.delete(event.payload.callId);
    this.publishOutput(event.payload.callId, output.flush());
  }

  private publishText(delta: string): void {
    if (delta !== '') this.publish({ type: 'text', delta });
  }

  private publishOutput(callId: string, chunk: string): void {
    if (chunk !== '') this.publish({ type: 'tool-output', callId, chunk });
  }

  private publish(progress: LoopProgress): void {
    for (const listener of this.listeners) listener(progress);
  }
}
