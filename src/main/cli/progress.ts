// What `looplab run` prints while a run goes: the model's words as they stream, each tool call and the
// first line of its result, approvals and the final status. Derived from events and deltas only; each
// kind of event has its line here, so a new kind does not compile until it is given one (or none).
import type { LoopProgress } from '../core/loop';
import { describeEvent } from '../../shared/describe-event';
import type { EventType, RunEvent } from '../../shared/events';
import { oneLine } from '../../shared/format';

type EventOf<T extends EventType> = Extract<RunEvent, { type: T }>;
/** The line an event prints, or undefined for none. */
type LineOf = { [T in EventType]: (event: EventOf<T>) => string | undefined };

const notice = (event: RunEvent) => `! ${event.type}: ${describeEvent(event).text}`;
const none = () => undefined;

const LINES: LineOf = {
  'model.started': (event) => `· ${event.payload.model} thinking…`,
  'tool.started': (event) => `→ ${describeEvent(event).text}`,
  'tool.finished': (event) =>
    `  ${event.payload.isError ? '✗' : '✓'} ${oneLine(describeEvent(event).text.replace(/^(ok|error) · /, ''), 120)}`,
  'approval.requested': notice,
  'approval.resolved': notice,
  'context.compacted': notice,
  'message.user': notice,
  'loop.parked': notice,
  'loop.woke': notice,
  'run.status': (event) =>
    event.payload.status === 'running' || event.payload.status === 'waiting'
      ? undefined
      : `■ ${describeEvent(event).text}`,
  'run.created': none,
  'run.limits': none,
  'run.rule': none,
  'model.finished': none,
  'job.started': none,
  'job.metric': none,
  'job.finished': none,
  'job.watch': notice,
  'job.progress': none,
  'job.resumed': notice,
  'artifact.recorded': none,
  'evaluation.recorded': none,
  'evaluation.failed': none,
  'plan.updated': none,
  'workspace.snapshot': none,
  'replay.diverged': none,
  // A refused connection is news (the command that made it will likely fail); allowed ones are not.
  'network.request': (event) => (event.payload.allowed ? undefined : `! ${describeEvent(event).text}`),
};

function lineOf<T extends EventType>(event: EventOf<T>): string | undefined {
  return (LINES[event.type] as (event: EventOf<T>) => string | undefined)(event);
}

export function progressPrinter(write: (text: string) => void): (progress: LoopProgress) => void {
  let midLine = false;
  return (progress) => {
    if (progress.type === 'text') {
      write(progress.delta);
      midLine = !progress.delta.endsWith('\n');
      return;
    }
    if (progress.type === 'tool-output') return;
    const text = lineOf(progress.event);
    if (text === undefined) return;
    write(`${midLine ? '\n' : ''}${text}\n`);
    midLine = false;
  };
}
