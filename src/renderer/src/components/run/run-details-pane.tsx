// The run's details pane, under its graph: the selected step (with the fork form), then the run read as
// a transcript, as its raw events or as its files, with live command output and the model's words
// streaming below until its reply is recorded. The file browser loads when first opened.
import { lazy, Suspense, useMemo } from 'react';
import type { RunEvent } from '../../../../shared/events';
import type { GraphNode } from '../../../../shared/run-graph';
import { nodeCaption } from '../../graph/node-caption';
import { LoadingLine } from '../common/loading-line';
import { EventTimeline } from './event-timeline';
import { ForkForm } from './fork-form';
import { LiveOutput } from './live-output';
import { LiveText } from './live-text';
import { NodeInspector } from './node-inspector';
import { MaximizeButton, type PaneLayout } from './run-panes';
import { EventsViewSwitch, RunTranscript, type EventsView } from './run-transcript';

const WorkspaceBrowser = lazy(() =>
  import('../workspace/workspace-browser').then((module) => ({ default: module.WorkspaceBrowser })),
);

interface RunDetailsPaneProps {
  runId: string;
  events: RunEvent[];
  model: string;
  selected: GraphNode | undefined;
  onSelect: (nodeId: string | null) => void;
  focusSeq: number | undefined;
  view: EventsView;
  onView: (view: EventsView) => void;
  /** The file the files view opens at (a link from a job's output). */
  filesPath: string | undefined;
  layout: PaneLayout;
  live: boolean;
  onStreamingChange: (streaming: boolean) => void;
  onOpenRun: (runId: string) => void;
}

export function RunDetailsPane(props: RunDetailsPaneProps) {
  const { runId, events, selected, view, layout } = props;
  const highlight = useMemo(() => new Set(selected?.seqs ?? []), [selected]);
  return (
    <section className="run-events" aria-label="Events">
      {selected !== undefined && (
        <NodeInspector
          node={selected}
          caption={nodeCaption(selected, events)}
          events={events}
          onClose={() => props.onSelect(null)}
          actions={
            <ForkForm
              key={selected.id}
              runId={runId}
              node={selected}
              onForked={props.onOpenRun}
              parentModel={props.model}
            />
          }
        />
      )}
      <EventsViewSwitch
        view={view}
        onChange={props.onView}
        extra={<MaximizeButton layout={layout} pane="details" label="details" />}
      />
      <div className="timeline-scroll">
        {view === 'files' && (
          <Suspense fallback={<LoadingLine label="Opening the files…" />}>
            <WorkspaceBrowser key={props.filesPath} runId={runId} events={events} initialPath={props.filesPath} />
          </Suspense>
        )}
        {view === 'events' && (
          <EventTimeline events={events} focusSeq={selected?.seqs[0] ?? props.focusSeq} highlight={highlight} />
        )}
        {view === 'transcript' && <RunTranscript events={events} highlight={highlight} />}
        <LiveOutput runId={runId} events={events} />
        <LiveText runId={runId} live={props.live} onStreamingChange={props.onStreamingChange} />
      </div>
    </section>
  );
}
