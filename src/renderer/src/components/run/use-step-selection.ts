// The step selected in a run's graph, and the jobs panel it opens: selecting a job's node opens the
// panel at that job. The address (a link, Back, a search hit) names a step by one of its events; when
// it changes, the step that holds that event is selected.
import { useCallback, useState } from 'react';
import type { GraphNode } from '../../../../shared/run-graph';
import { jobIdOfNode } from '../../../../shared/run-jobs';

/** The node that holds event `seq`: the one already selected if it does, else the first. */
function nodeAt(nodes: readonly GraphNode[] | undefined, seq: number | undefined, current: string | null) {
  if (nodes === undefined || seq === undefined) return undefined;
  const holding = nodes.filter((node) => node.seqs.includes(seq));
  return holding.find((node) => node.id === current) ?? holding[0];
}

export function useStepSelection(
  runId: string,
  nodes: readonly GraphNode[] | undefined,
  focusSeq: number | undefined,
  onStep: ((runId: string, seq: number | undefined) => void) | undefined,
) {
  const [selectedId, setSelectedId] = useState<string | null>(() => nodeAt(nodes, focusSeq, null)?.id ?? null);
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
  const [addressed, setAddressed] = useState(focusSeq);
  if (focusSeq !== addressed) {
    setAddressed(focusSeq);
    const node = nodeAt(nodes, focusSeq, selectedId);
    if (focusSeq === undefined) setSelectedId(null);
    else if (node !== undefined) show(node.id);
  }
  const selected = nodes?.find((node) => node.id === selectedId);
  return { selectedId, selected, onSelect, jobsOpen, setJobsOpen, jobId, setJobId };
}
