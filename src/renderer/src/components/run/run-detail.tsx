// The right pane: one run, kept live. Its title, result and status bar with Stop / Resume, the calls
// waiting for approval, then the graph above the details: the selected step, and the run read as a
// transcript (or as its raw events), with the model's words streaming below until its reply is
// recorded. A run with jobs has a jobs panel beside them. The panes resize and maximise; the selected
// step is named in the address, so a link or a reload opens the run at it.
import { useCallback, useMemo, useState } from 'react';
import type { Content, RunEvent } from '../../../../shared/events';
import { reduceJobs, type RunJob } from '../../../../shared/run-jobs';
import { reduceRun, type RunState } from '../../../../shared/run-state';
import type { RunDetail as RunDetailData } from '../../../../shared/contract';
import type { RunSummary } from '../../../../shared/run-summary';
import { useRunDetail } from '../../hooks/use-run-detail';
import { isLive } from '../../run-activity';
import { ApprovalPanel } from '../approvals/approval-panel';
import { ErrorBox } from '../common/error-box';
import { JobPanel, JobsToggle } from '../jobs/job-panel';
import { LoadingLine } from '../common/loading-line';
import { RunGraphView } from '../graph/run-graph-view';
import { RunDetailsPane } from './run-details-pane';
import { RunOverview } from './run-overview';
import { MaximizeButton, RunPanes, usePaneLayout, type PaneLayout } from './run-panes';
import type { EventsView } from './run-transcript';
import { StatusBar } from './status-bar';
import { useStepSelection } from './use-step-selection';
import { FilesLinkContext } from '../workspace/files-link';
import { runNetwork } from '../../../../shared/network-facts';

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
  const step = useStepSelection(runId, state?.graph.nodes, focusSeq, onStep);
  const [streaming, setStreaming] = useState(false);
  const layout = usePaneLayout();
  const live = isLive(summary.status);
  const jobs = useMemo(() => reduceJobs(events), [events]);
  const showJobs = step.jobsOpen && jobs.length > 0;
  const { view, setView, filesPath, openFiles } = useEventsView();

  // The test id marks a loaded run only, so whoever waits for it finds the events already there.
  return (
    <div className="run-detail" data-testid="run-detail" data-run-id={runId}>
      <RunHead summary={summary} events={events} state={state} streaming={streaming} onOpenRun={onOpenRun} />
      <RunPanes
        layout={layout}
        graph={
          state !== undefined && (
            <RunGraphView
              graph={state.graph}
              events={events}
              selectedId={step.selectedId}
              onSelect={step.onSelect}
              live={live}
              onOpenRun={onOpenRun}
              toolbar={<GraphToolbar jobs={jobs} open={showJobs} onToggle={step.setJobsOpen} layout={layout} />}
            />
          )
        }
        details={
          <RunDetailsPane
            runId={runId}
            events={events}
            model={summary.model}
            selected={step.selected}
            onSelect={step.onSelect}
            focusSeq={focusSeq}
            view={view}
            onView={setView}
            filesPath={filesPath}
            layout={layout}
            live={live}
            onStreamingChange={setStreaming}
            onOpenRun={onOpenRun}
          />
        }
        side={
          showJobs ? <JobsSide runId={runId} jobs={jobs} step={step} layout={layout} openFiles={openFiles} /> : null
        }
      />
    </div>
  );
}

type StepSelection = ReturnType<typeof useStepSelection>;

interface GraphToolbarProps {
  jobs: RunJob[];
  open: boolean;
  onToggle: (open: boolean) => void;
  layout: PaneLayout;
}

function GraphToolbar({ jobs, open, onToggle, layout }: GraphToolbarProps) {
  return (
    <>
      {jobs.length > 0 && <JobsToggle jobs={jobs} open={open} onToggle={onToggle} />}
      <MaximizeButton layout={layout} pane="graph" label="graph" />
    </>
  );
}

interface JobsSideProps {
  runId: string;
  jobs: RunJob[];
  step: StepSelection;
  layout: PaneLayout;
  /** A file link in a job's output opens the run's files there. */
  openFiles: (path?: string) => void;
}

function JobsSide({ runId, jobs, step, layout, openFiles }: JobsSideProps) {
  return (
    <FilesLinkContext.Provider value={openFiles}>
      <JobPanel
        runId={runId}
        jobs={jobs}
        jobId={step.jobId}
        onSelectJob={step.setJobId}
        onClose={() => step.setJobsOpen(false)}
        headExtra={<MaximizeButton layout={layout} pane="side" label="jobs panel" />}
      />
    </FilesLinkContext.Provider>
  );
}

/** How the details pane reads the run (transcript, events, files), and the file the files view opens at. */
function useEventsView() {
  const [view, setView] = useState<EventsView>('transcript');
  const [filesPath, setFilesPath] = useState<string | undefined>(undefined);
  const openFiles = useCallback((path?: string) => {
    setFilesPath(path);
    setView('files');
  }, []);
  return { view, setView, filesPath, openFiles };
}

interface RunHeadProps {
  summary: RunSummary;
  events: RunEvent[];
  state: RunState | undefined;
  streaming: boolean;
  onOpenRun: (runId: string) => void;
}

/** Above the panes: the run's title and result, its status bar with the controls, and the calls waiting. */
function RunHead({ summary, events, state, streaming, onOpenRun }: RunHeadProps) {
  const [detached, setDetached] = useState(false);
  const onDetached = useCallback(() => setDetached(true), []);
  const goal = useMemo(() => recordedGoal(events), [events]);
  const pending = state?.pendingApprovals ?? [];
  return (
    <>
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
        <ApprovalPanel runId={summary.id} approvals={pending} events={events} onDetached={onDetached} />
      )}
    </>
  );
}

function recordedGoal(events: readonly RunEvent[]): Content | undefined {
  for (const event of events) if (event.type === 'run.created') return event.payload.goal;
  return undefined;
}
