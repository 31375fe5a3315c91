// What a node of the graph can do beyond being clicked: select one of a step's calls, show all of its
// calls, open a run of its lineage. Given by the graph view, so the nodes' data stays plain.
import { createContext } from 'react';

export interface GraphActions {
  select: (nodeId: string) => void;
  toggleCalls: (nodeId: string) => void;
  openRun: ((runId: string) => void) | undefined;
}

export const GraphActionsContext = createContext<GraphActions>({
  select: () => {},
  toggleCalls: () => {},
  openRun: undefined,
});
