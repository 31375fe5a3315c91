// What `looplab run` prints while a run goes: the model's words as they stream, each tool call and the
// first line of its result, approvals and the final status. Derived from events and deltas only.
import type { LoopProgress } from '../core/loop';
import { describeEvent } from '../../shared/describe-event';
import { oneLine } from '../../shared/format';

export function progressPrinter(write: (text: string) => void): (progress: LoopProgress) => void {
  let midLine = false;
  const line = (text: string) => {
    write(`${midLine ? '\n' : ''}${text}\n`);
    midLine = false;
  };
  return (progress) => {
    if (progress.type === 'text') {
      write(progress.delta);
      midLine = !progress.delta.endsWith('\n');
      return;
    }
    if (progress.type === 'tool-output') return;
    const { event } = progress;
    switch (event.type) {
      case 'model.started':
        return line(`· ${event.payload.model} thinking…`);
      case 'tool.started':
        return line(`→ ${describeEvent(event).text}`);
      case 'tool.finished':
        return line(
          `  ${event.payload.isError ? '✗' : '✓'} ${oneLine(describeEvent(event).text.replace(/^(ok|error) · /, ''), 120)}`,
        );
      case 'approval.requested':
      case 'approval.resolved':
      case 'context.compacted':
      case 'message.user':
        return line(`! ${event.type}: ${describeEvent(event).text}`);
      case 'run.status':
        if (event.payload.status !== 'running' && event.payload.status !== 'waiting')
          line(`■ ${describeEvent(event).text}`);
        return;
      default:
        return;
    }
  };
}
