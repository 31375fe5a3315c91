// The right pane: one run's summary, what its graph holds so far, and its event timeline, kept live.
import { useMemo } from 'react';
import type { Content, RunEvent } from '../../../shared/events';
import { reduceRun } from '../../../shared/run-state';
import { useRunDetail } from '../hooks/use-run-detail';
import { ErrorBox } from './error-box';
import { EventTimeline } from './event-timeline';
import { GraphOverview } from './graph-overview';
import { LoadingLine } from './loading-line';
import { RunOverview } from './run-overview';

interface RunDetailProps {
  runId: string;
  focusSeq: number | undefined;
  onOpenRun: (runId: string) => void;
}

export function RunDetail({ runId, focusSeq, onOpenRun }: RunDetailProps) {
  const { detail, reload } = useRunDetail(runId);
  const events = detail.status === 'ready' ? detail.value.events : undefined;
  const state = useMemo(() => (events === undefined ? undefined : reduceRun(events)), [events]);

  if (detail.status === 'loading') {
    return (
      <div className="run-detail">
        <LoadingLine label="Loading run…" />
      </div>
    );
  }
  if (detail.status === 'error') {
    return (
      <div className="run-detail">
        <ErrorBox error={detail.error} onRetry={reload} />
      </div>
    );
  }
  // The test id marks a loaded run only, so whoever waits for it finds the events already there.
  return (
    <div className="run-detail" data-testid="run-detail" data-run-id={runId}>
      <RunOverview summary={detail.value.summary} goal={recordedGoal(detail.value.events)} onOpenRun={onOpenRun} />
      {state !== undefined && <GraphOverview state={state} />}
      <EventTimeline events={detail.value.events} focusSeq={focusSeq} />
    </div>
  );
}

function recordedGoal(events: readonly RunEvent[]): Content | undefined {
  for (const event of events) if (event.type === 'run.created') return event.payload.goal;
  return undefined;
}
