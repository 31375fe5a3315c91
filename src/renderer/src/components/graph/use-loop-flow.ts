// The run's graph as React Flow draws it: the loop built from the run's graph and the runs made from
// it, laid out in as many columns as the pane has room for, and turned into nodes and edges (reused
// where unchanged, so a live run's new step does not redraw the others). Which steps show their calls
// is kept here too: it changes the layout.
import { useCallback, useMemo, useState } from 'react';
import type { RunEvent } from '../../../../shared/events';
import { buildLoopGraph, type ChildRun } from '../../../../shared/loop-graph';
import type { RunGraph } from '../../../../shared/run-graph';
import { FlowElementCache } from '../../graph/flow-elements';
import { chooseColumns } from '../../graph/loop-columns';
import { layoutLoop } from '../../graph/loop-layout';
import { loopCaptions } from '../../graph/loop-captions';
import type { Size } from '../../graph/viewport';
import { useChildRuns } from './use-child-runs';

interface LoopFlowInput {
  graph: RunGraph;
  events: readonly RunEvent[];
  /** The runs made from this one; fetched from the runs list when absent. */
  childRuns: readonly ChildRun[] | undefined;
  selectedId: string | null;
  live: boolean;
  size: Size;
}

export function useLoopFlow({ graph, events, childRuns, selectedId, live, size }: LoopFlowInput) {
  const fetched = useChildRuns(events[0]?.runId, childRuns !== undefined);
  const children = childRuns ?? fetched;
  const loop = useMemo(() => buildLoopGraph(graph, children), [graph, children]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  const columns = useMemo(() => chooseColumns(loop, size, live, expanded), [loop, size, live, expanded]);
  const layout = useMemo(() => layoutLoop(loop, columns, expanded), [loop, columns, expanded]);
  const [cache] = useState(() => new FlowElementCache());
  const captions = useMemo(() => loopCaptions(events), [events]);
  const nodes = useMemo(
    () => cache.toNodes(loop, layout, selectedId, expanded, captions, live),
    [cache, loop, layout, selectedId, expanded, captions, live],
  );
  const edges = useMemo(() => cache.toEdges(loop, layout), [cache, loop, layout]);
  const toggleCalls = useCallback((id: string) => {
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);
  return { loop, layout, nodes, edges, toggleCalls };
}
