// The right pane: one run, kept live. Its summary and status bar with Stop / Resume, the calls
// waiting for approval, then the graph above the timeline (or the transcript): selecting a node opens
// its events below, and the model's words stream under the timeline until its reply is recorded. A run
// with jobs has a jobs panel beside them (opened from the graph, or by selecting a job node).
import { useCallback, useMemo, useState } from 'react';
import type { Content, RunEvent } from '../../../../shared/events';
import type { GraphNode } from '../../../../shared/run-graph';
import { jobIdOfNode, reduceJobs } from '../../../../shared/run-jobs';
import { reduceRun, type RunState } from '../../../../shared/run-state';
import type { RunDetail as RunDetailData } from '../../../../shared/contract';
import { nodeCaption } from '../../graph/node-caption';
import { useRunDetail } from '../../hooks/use-run-detail';
import { isLive } from '../../run-activity';
import { ApprovalPanel } from '../approvals/approval-panel';
import { ErrorBox } from '../common/error-box';
import { ForkForm } from './fork-form';
import { EventTimeline } from './event-timeline';
import { JobPanel, JobsToggle } from '../jobs/job-panel';
import { LiveOutput } from './live-output';
import { LiveText } from './live-text';
import { LoadingLine } from '../common/loading-line';
import { NodeInspector } from './node-inspector';
import { RunGraphView } from '../graph/run-graph-view';
import { RunOverview } from './run-overview';
import { EventsViewSwitch, RunTranscript, type EventsView } from './run-transcript';
import { StatusBar } from './status-bar';

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
  return <LoadedRun runId={runId} data={detail.value} state={state} focusSeq={focusSeq} onOpenRun={onOpenRun} />;
}

interface LoadedRunProps {
  runId: string;
  data: RunDetailData;
  state: RunState | undefined;
  focusSeq: number | undefined;
  onOpenRun: (runId: string) => void;
}

function LoadedRun({ runId, data, state, focusSeq, onOpenRun }: LoadedRunProps) {
  const { summary, events } = data;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [streaming, setStreaming] = useState(false);
  const [detached, setDetached] = useState(false);
  const [view, setView] = useState<EventsView>('events');
  const onDetached = useCallback(() => setDetached(true), []);
  const goal = useMemo(() => recordedGoal(events), [events]);
  const selected = state?.graph.nodes.find((node) => node.id === selectedId);
  const highlight = useMemo(() => new Set(selected?.seqs ?? []), [selected]);
  const pending = state?.pendingApprovals ?? [];
  const live = isLive(summary.status);
  const jobs = useMemo(() => reduceJobs(events), [events]);
  const [jobsOpen, setJobsOpen] = useState(false);
  const [jobId, setJobId] = useState<string | null>(null);
  const onSelect = useCallback((nodeId: string | null) => {
    setSelectedId(nodeId);
    const job = jobIdOfNode(nodeId);
    if (job === undefined) return;
    setJobId(job);
    setJobsOpen(true);
  }, []);
  const showJobs = jobsOpen && jobs.length > 0;

  // The test id marks a loaded run only, so whoever waits for it finds the events already there.
  return (
    <div className="run-detail" data-testid="run-detail" data-run-id={runId}>
      <RunOverview summary={summary} goal={goal} plan={state?.plan ?? []} onOpenRun={onOpenRun} />
      <StatusBar
        summary={summary}
        events={events}
        pendingApprovals={pending.length}
        streaming={streaming}
        detached={detached}
        onDetached={onDetached}
        onOpenRun={onOpenRun}
      />
      {pending.length > 0 && (
        <ApprovalPanel runId={runId} approvals={pending} events={events} onDetached={onDetached} />
      )}
      <div className={showJobs ? 'run-views with-jobs' : 'run-views'}>
        {state !== undefined && (
          <RunGraphView
            graph={state.graph}
            events={events}
            selectedId={selectedId}
            onSelect={onSelect}
            live={live}
            onOpenRun={onOpenRun}
            toolbar={jobs.length > 0 && <JobsToggle jobs={jobs} open={showJobs} onToggle={setJobsOpen} />}
          />
        )}
        <section className="run-events" aria-label="Events">
          {selected !== undefined && (
            <NodeInspector
              node={selected}
              caption={nodeCaption(selected, events)}
              events={events}
              onClose={() => setSelectedId(null)}
              actions={<ForkForm key={selected.id} runId={runId} node={selected} onForked={onOpenRun} />}
            />
          )}
          <EventsViewSwitch view={view} onChange={setView} />
          <div className="timeline-scroll">
            {view === 'events' ? (
              <EventTimeline events={events} focusSeq={firstSeq(selected) ?? focusSeq} highlight={highlight} />
            ) : (
              <RunTranscript events={events} highlight={highlight} />
            )}
            <LiveOutput runId={runId} events={events} />
            <LiveText runId={runId} live={live} onStreamingChange={setStreaming} />
          </div>
        </section>
        {showJobs && (
          <JobPanel runId={runId} jobs={jobs} jobId={jobId} onSelectJob={setJobId} onClose={() => setJobsOpen(false)} />
        )}
      </div>
    </div>
  );
}

function firstSeq(node: GraphNode | undefined): number | undefined {
  return node?.seqs[0];
}

function recordedGoal(events: readonly RunEvent[]): Content | undefined {
  for (const event of events) if (event.type === 'run.created') return event.payload.goal;
  return undefined;
}
