// What the running commands and jobs of the open run print, as it comes, under the timeline.
import { useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { liveOutputOf, subscribeLiveOutput } from '../../live-output-store';
import { AnsiText } from '../common/ansi-text';

function labelOf(source: string, events: readonly RunEvent[]): string {
  for (const event of events) {
    if (event.type === 'tool.started' && event.payload.callId === source) return event.payload.tool;
    if (event.type === 'job.started' && event.payload.jobId === source) return `job ${source}`;
  }
  return source;
}

function OutputBox({ label, text }: { label: string; text: string }) {
  const ref = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const box = ref.current;
    if (box !== null) box.scrollTop = box.scrollHeight;
  }, [text]);
  return (
    <div className="live-text" data-testid="live-output">
      <div className="live-text-label">
        <span className="live-dot" aria-hidden="true" />
        {label} is running…
      </div>
      <pre ref={ref} className="live-text-body">
        <AnsiText text={text} />
      </pre>
    </div>
  );
}

export function LiveOutput({ runId, events }: { runId: string; events: readonly RunEvent[] }) {
  const snapshot = useCallback(() => liveOutputOf(runId), [runId]);
  const outputs = useSyncExternalStore(subscribeLiveOutput, snapshot);
  if (outputs.size === 0) return null;
  return (
    <>
      {[...outputs].map(([source, text]) => (
        <OutputBox key={source} label={labelOf(source, events)} text={text} />
      ))}
    </>
  );
}
