// The right pane: one run, kept live. Its title, result and status bar with Stop / Resume, the calls
// waiting for approval, then the graph above the details: the selected step, and the run read as a
// transcript (or as its raw events), with the model's words streaming below until its reply is
// recorded. A run with jobs has a jobs panel beside them. The panes resize and maximise; the selected
// step is named in the address, so a link or a reload opens the run at it.
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
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
import { MaximizeButton, RunPanes, usePaneLayout } from './run-panes';
import { EventsViewSwitch, RunTranscript, type EventsView } from './run-transcript';
import { StatusBar } from './status-bar';
import { FilesLinkContext } from '../workspace/files-link';
import { runNetwork } from '../../../../shared/network-facts';

const WorkspaceBrowser = lazy(() =>
  import('../workspace/workspace-browser').then((module) => ({ default: module.WorkspaceBrowser })),
);

interface RunDetailProps {
  runId: string;
  /** An event of the step to select and bring into view (from the address, a search hit or Back). */
  focusSeq: number | undefined;
  onOpenRun: (runId: string) => void;
  /** The person selected a step (its first event), or cleared the selection. */
  onStep?: (runId: string, seq: number | undefined) => void;
}

export function RunDetail({ runId, focusSeq, onOpenRun, onStep }: RunDetailProps) {
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
  return (
    <LoadedRun
      runId={runId}
      data={detail.value}
      state={state}
      focusSeq={focusSeq}
      onOpenRun={onOpenRun}
      onStep={onStep}
    />
  );
}

interface LoadedRunProps {
  runId: string;
  data: RunDetailData;
  state: RunState | undefined;
  focusSeq: number | undefined;
  onOpenRun: (runId: string) => void;
  onStep: ((runId: string, seq: number | undefined) => void) | undefined;
}

function LoadedRun({ runId, data, state, focusSeq, onOpenRun, onStep }: LoadedRunProps) {
  const { summary, events } = data;
  const nodes = state?.graph.nodes;
  const [selectedId, setSelectedId] = useState<string | null>(() => nodeAt(nodes, focusSeq, null)?.id ?? null);
  const [streaming, setStreaming] = useState(false);
  const [detached, setDetached] = useState(false);
  const [view, setView] = useState<EventsView>('transcript');
  const layout = usePaneLayout();
  const onDetached = useCallback(() => setDetached(true), []);
  const goal = useMemo(() => recordedGoal(events), [events]);
  const selected = nodes?.find((node) => node.id === selectedId);
  const highlight = useMemo(() => new Set(selected?.seqs ?? []), [selected]);
  const pending = state?.pendingApprovals ?? [];
  const live = isLive(summary.status);
  const jobs = useMemo(() => reduceJobs(events), [events]);
  const [jobsOpen, setJobsOpen] = useState(() => jobIdOfNode(selectedId) !== undefined);
  const [jobId, setJobId] = useState<string | null>(() => jobIdOfNode(selectedId) ?? null);
  const show = useCallback((nodeId: string | null) => {
    setSelectedId(nodeId);
    const job = jobIdOfNode(nodeId);
    if (job === undefined) return;
    setJobId(job);
    setJobsOpen(true);
  }, []);
  const onSelect = useCallback(
    (nodeId: string | null) => {
      show(nodeId);
      onStep?.(runId, nodeId === null ? undefined : nodes?.find((node) => node.id === nodeId)?.seqs[0]);
    },
    [show, onStep, runId, nodes],
  );
  // The address (a link, Back, a search hit) names a step: select the one that holds that event.
  const [addressed, setAddressed] = useState(focusSeq);
  if (focusSeq !== addressed) {
    setAddressed(focusSeq);
    const node = nodeAt(nodes, focusSeq, selectedId);
    if (focusSeq === undefined) setSelectedId(null);
    else if (node !== undefined) show(node.id);
  }
  const showJobs = jobsOpen && jobs.length > 0;
  const [filesPath, setFilesPath] = useState<string | undefined>(undefined);
  const openFiles = useCallback((path?: string) => {
    setFilesPath(path);
    setView('files');
  }, []);

  const graphToolbar = (
    <>
      {jobs.length > 0 && <JobsToggle jobs={jobs} open={showJobs} onToggle={setJobsOpen} />}
      <MaximizeButton layout={layout} pane="graph" label="graph" />
    </>
  );
  // The test id marks a loaded run only, so whoever waits for it finds the events already there.
  return (
    <div className="run-detail" data-testid="run-detail" data-run-id={runId}>
      <RunOverview
        summary={summary}
        goal={goal}
        plan={state?.plan ?? []}
        network={state === undefined ? undefined : runNetwork(state.graph.nodes)}
        onOpenRun={onOpenRun}
      />
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
      <RunPanes
        layout={layout}
        graph={
          state !== undefined && (
            <RunGraphView
              graph={state.graph}
              events={events}
              selectedId={selectedId}
              onSelect={onSelect}
              live={live}
              onOpenRun={onOpenRun}
              toolbar={graphToolbar}
            />
          )
        }
        details={
          <section className="run-events" aria-label="Events">
            {selected !== undefined && (
              <NodeInspector
                node={selected}
                caption={nodeCaption(selected, events)}
                events={events}
                onClose={() => onSelect(null)}
                actions={
                  <ForkForm
                    key={selected.id}
                    runId={runId}
                    node={selected}
                    onForked={onOpenRun}
                    parentModel={summary.model}
                  />
                }
              />
            )}
            <EventsViewSwitch
              view={view}
              onChange={setView}
              extra={<MaximizeButton layout={layout} pane="details" label="details" />}
            />
            <div className="timeline-scroll">
              {view === 'files' && (
                <Suspense fallback={<LoadingLine label="Opening the files…" />}>
                  <WorkspaceBrowser key={filesPath} runId={runId} events={events} initialPath={filesPath} />
                </Suspense>
              )}
              {view === 'events' && (
                <EventTimeline events={events} focusSeq={firstSeq(selected) ?? focusSeq} highlight={highlight} />
              )}
              {view === 'transcript' && <RunTranscript events={events} highlight={highlight} />}
              <LiveOutput runId={runId} events={events} />
              <LiveText runId={runId} live={live} onStreamingChange={setStreaming} />
            </div>
          </section>
        }
        side={
          showJobs ? (
            <FilesLinkContext.Provider value={openFiles}>
              <JobPanel
                runId={runId}
                jobs={jobs}
                jobId={jobId}
                onSelectJob={setJobId}
                onClose={() => setJobsOpen(false)}
                headExtra={<MaximizeButton layout={layout} pane="side" label="jobs panel" />}
              />
            </FilesLinkContext.Provider>
          ) : null
        }
      />
    </div>
  );
}

/** The node that holds event `seq`: the one already selected if it does, else the first. */
function nodeAt(nodes: readonly GraphNode[] | undefined, seq: number | undefined, current: string | null) {
  if (nodes === undefined || seq === undefined) return undefined;
  const holding = nodes.filter((node) => node.seqs.includes(seq));
  return holding.find((node) => node.id === current) ?? holding[0];
}

function firstSeq(node: GraphNode | undefined): number | undefined {
  return node?.seqs[0];
}

function recordedGoal(events: readonly RunEvent[]): Content | undefined {
  for (const event of events) if (event.type === 'run.created') return event.payload.goal;
  return undefined;
}
