// The run as a graph (React Flow, laid out top to bottom): live as events arrive, following the
// newest step until the person pans or zooms, with a click on a node selecting it.
import {
  Background,
  Controls,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type NodeMouseHandler,
  type NodeTypes,
  type OnMove,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type ReactNode } from 'react';
import type { RunEvent } from '../../../../shared/events';
import type { GraphNode, RunGraph } from '../../../../shared/run-graph';
import { FlowElementCache } from '../../graph/flow-elements';
import { layoutGraph } from '../../graph/graph-layout';
import { nodeCaption } from '../../graph/node-caption';
import { followMove } from '../../graph/viewport';
import { GraphLegend } from './graph-legend';
import { GraphNodeCard } from './graph-node-card';

const nodeTypes: NodeTypes = { run: GraphNodeCard };
const MOVE_MS = 250;
const fitOptions = { padding: 0.1, maxZoom: 1 };

interface RunGraphViewProps {
  graph: RunGraph;
  events: readonly RunEvent[];
  selectedId: string | null;
  onSelect: (nodeId: string | null) => void;
  /** More buttons beside Follow (the jobs panel's). */
  toolbar?: ReactNode;
}

export function RunGraphView(props: RunGraphViewProps) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  );
}

function GraphCanvas({ graph, events, selectedId, onSelect, toolbar }: RunGraphViewProps) {
  const [cache] = useState(() => new FlowElementCache());
  const layout = useMemo(() => layoutGraph(graph), [graph]);
  const nodes = useMemo(
    () => cache.toNodes(graph, layout.positions, selectedId, (node: GraphNode) => nodeCaption(node, events)),
    [cache, graph, layout, selectedId, events],
  );
  const edges = useMemo(() => cache.toEdges(graph), [cache, graph]);
  const [follow, setFollow] = useState(true);
  const [ready, setReady] = useState(false);
  const moved = useRef(false);
  const container = useRef<HTMLDivElement>(null);
  const flow = useReactFlow();
  const newest = graph.nodes.at(-1)?.id;

  const applyFollow = useEffectEvent(() => {
    const box = container.current;
    if (box === null || newest === undefined) return;
    const size = { width: box.clientWidth, height: box.clientHeight };
    const move = followMove(layout.bounds, layout.positions.get(newest), size, flow.getZoom());
    if (move === undefined) return;
    const duration = moved.current ? MOVE_MS : 0;
    moved.current = true;
    if (move.kind === 'fit') void flow.fitView({ ...fitOptions, duration });
    else void flow.setCenter(move.x, move.y, { zoom: move.zoom, duration });
  });

  useEffect(() => {
    if (ready && follow) applyFollow();
  }, [ready, follow, newest, graph.nodes.length]);

  useEffect(() => {
    const box = container.current;
    if (box === null || !ready || !follow) return;
    const observer = new ResizeObserver(() => applyFollow());
    observer.observe(box);
    return () => observer.disconnect();
  }, [ready, follow]);

  // Only a person's pan or zoom carries an input event; the moves made here to follow do not. A click
  // that does not move the view (selecting a node) keeps following.
  const onMove: OnMove = useCallback((event) => {
    if (event !== null) setFollow(false);
  }, []);
  const onNodeClick: NodeMouseHandler = useCallback((_, node) => onSelect(node.id), [onSelect]);
  const onPaneClick = useCallback(() => onSelect(null), [onSelect]);

  return (
    <div className="run-graph" data-testid="run-graph" ref={container}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onInit={() => setReady(true)}
        onNodeClick={onNodeClick}
        onPaneClick={onPaneClick}
        onMove={onMove}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        onlyRenderVisibleElements
        minZoom={0.1}
        maxZoom={1.75}
        colorMode="system"
        zoomOnDoubleClick={false}
      >
        <Background gap={20} size={1} />
        <Panel position="top-left" className="graph-panel">
          <GraphLegend graph={graph} />
        </Panel>
        <Panel position="top-right" className="graph-panel">
          {toolbar}
          <button
            type="button"
            className={follow ? 'button follow-button active' : 'button follow-button'}
            aria-pressed={follow}
            title="Keep the newest step in view"
            onClick={() => setFollow((value) => !value)}
          >
            Follow
          </button>
        </Panel>
        <Controls position="bottom-right" showInteractive={false} fitViewOptions={fitOptions} />
      </ReactFlow>
    </div>
  );
}
