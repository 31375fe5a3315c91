// The run as a graph of its loop (React Flow): steps left to right in lines, attempts boxed under their
// score, jobs and child runs hanging below the step they came from. A finished run opens on an
// overview, a live one follows its newest step until the person pans or zooms; a click on a node or
// one of a step's calls selects it, and the arrow keys step through the nodes (Enter opens details).
import {
  Background,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useStore,
  type EdgeTypes,
  type NodeMouseHandler,
  type NodeTypes,
  type OnMove,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useMemo, useRef, type ReactNode } from 'react';
import type { RunEvent } from '../../../../shared/events';
import type { ChildRun } from '../../../../shared/loop-graph';
import type { RunGraph } from '../../../../shared/run-graph';
import { COMPACT_ZOOM } from '../../graph/viewport';
import { AttemptBox } from './attempt-box';
import { GraphActionsContext, type GraphActions } from './graph-actions';
import { GraphLegend } from './graph-legend';
import { ZoomButtons } from './zoom-buttons';
import { LoopNodeCard } from './loop-node-card';
import { RouteEdge } from './route-edge';
import { useGraphKeys } from './use-graph-keys';
import { useLoopFlow } from './use-loop-flow';
import { useGraphViewport, useSize } from './use-graph-viewport';
import './run-graph.css';

const nodeTypes: NodeTypes = { loop: LoopNodeCard, attempt: AttemptBox };
const edgeTypes: EdgeTypes = { route: RouteEdge };
const minimapSize = { width: 132, height: 80 };
const smallMinimapSize = { width: 88, height: 52 };
const MINIMAP_SMALL_BELOW = 340;
const MINIMAP_HIDDEN_BELOW = 180;

/** The graph is read, not edited: nothing drags, connects or takes focus inside it (its own keys step through it). */
const flowOptions = {
  nodeTypes,
  edgeTypes,
  nodesDraggable: false,
  nodesConnectable: false,
  elementsSelectable: false,
  edgesFocusable: false,
  nodesFocusable: false,
  disableKeyboardA11y: true,
  onlyRenderVisibleElements: true,
  minZoom: 0.1,
  maxZoom: 1.75,
  colorMode: 'system',
  zoomOnDoubleClick: false,
} as const;

interface RunGraphViewProps {
  graph: RunGraph;
  events: readonly RunEvent[];
  selectedId: string | null;
  onSelect: (nodeId: string | null) => void;
  /** More buttons beside Follow (the jobs panel's). */
  toolbar?: ReactNode;
  /** Whether the run is under way (followed) or over (opened on an overview); read from the graph when absent. */
  live?: boolean;
  /** Opens another run: the parent, or a fork or replay made from this one. */
  onOpenRun?: (runId: string) => void;
  /** The runs made from this one; fetched from the runs list when absent. */
  childRuns?: readonly ChildRun[];
}

export function RunGraphView(props: RunGraphViewProps) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  );
}

function minimapClass(node: { type?: string; data: Record<string, unknown> }): string {
  if (node.type === 'attempt') return 'minimap-attempt';
  const item = node.data.item as { kind: string; status: string } | undefined;
  return item === undefined ? '' : `minimap-${item.kind} minimap-${item.status}`;
}

function looksLive(graph: RunGraph): boolean {
  return graph.nodes.some((node) => node.status === 'running' || node.status === 'waiting');
}

function GraphCanvas(props: RunGraphViewProps) {
  const { graph, events, selectedId, onSelect, toolbar, onOpenRun } = props;
  const live = props.live ?? looksLive(graph);
  const container = useRef<HTMLDivElement>(null);
  const size = useSize(container);
  const flow = useLoopFlow({ graph, events, childRuns: props.childRuns, selectedId, live, size });
  const { loop, layout, nodes, edges, toggleCalls } = flow;
  const compact = useStore((state) => state.transform[2] < COMPACT_ZOOM);
  const actions: GraphActions = useMemo(
    () => ({ select: onSelect, toggleCalls, openRun: onOpenRun }),
    [onSelect, toggleCalls, onOpenRun],
  );
  const viewport = useGraphViewport({ loop, layout, live, selectedId, size });
  const onKeyDown = useGraphKeys({
    loop,
    layout,
    selectedId,
    onSelect,
    toggleCalls,
    onOpenRun,
    onStep: viewport.stopFollowing,
  });

  const { onMove, onNodeClick, onPaneClick } = useFlowHandlers(onSelect, viewport.stopFollowing);

  return (
    <div
      className={compact ? 'run-graph loop-graph loop-compact' : 'run-graph loop-graph'}
      data-testid="run-graph"
      ref={container}
      tabIndex={0}
      aria-label="Run graph: arrow keys step through the loop, Enter opens details"
      onKeyDown={onKeyDown}
    >
      <GraphActionsContext value={actions}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          onInit={viewport.onInit}
          onNodeClick={onNodeClick}
          onPaneClick={onPaneClick}
          onMove={onMove}
          {...flowOptions}
        >
          <Background gap={20} size={1} />
          {/* One bar across the top: the legend wraps before it reaches the buttons, whatever they are. */}
          <Panel position="top-left" className="graph-panel graph-topbar">
            <GraphLegend loop={loop} onSelect={onSelect} waiting={loop.waiting[0]} />
            <div className="graph-toolbar">
              {toolbar}
              <ZoomButtons onOverview={viewport.showOverview} />
              <FollowButton following={viewport.following} onToggle={viewport.toggleFollow} />
            </div>
          </Panel>
          <GraphMinimap />
        </ReactFlow>
      </GraphActionsContext>
    </div>
  );
}

/** A click on a step selects it, on the pane clears the selection; a person's pan or zoom stops following. */
function useFlowHandlers(onSelect: (nodeId: string | null) => void, stopFollowing: () => void) {
  // Only a person's pan or zoom carries an input event; the moves made here do not.
  const onMove: OnMove = useCallback(
    (event) => {
      if (event !== null) stopFollowing();
    },
    [stopFollowing],
  );
  const onNodeClick: NodeMouseHandler = useCallback(
    (_, node) => {
      if (node.type === 'loop') onSelect(node.id);
    },
    [onSelect],
  );
  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);
  return { onMove, onNodeClick, onPaneClick };
}

function FollowButton({ following, onToggle }: { following: boolean; onToggle: () => void }) {
  return (
    <button
      type="button"
      className={following ? 'button follow-button active' : 'button follow-button'}
      aria-pressed={following}
      title="Keep the newest step in view"
      onClick={onToggle}
    >
      Follow
    </button>
  );
}

/**
 * In a short graph pane (a small window) a full-size minimap would sit on the nodes themselves: it
 * shrinks, and in a very short one it goes.
 */
function GraphMinimap() {
  const paneHeight = useStore((state) => state.height);
  if (paneHeight < MINIMAP_HIDDEN_BELOW) return null;
  return (
    <MiniMap
      className="graph-minimap"
      style={paneHeight >= MINIMAP_SMALL_BELOW ? minimapSize : smallMinimapSize}
      position="bottom-right"
      pannable
      zoomable
      ariaLabel="Minimap of the run graph"
      nodeClassName={minimapClass}
    />
  );
}
