// The graph's keys, while it has focus: arrows step the selection through the loop
// (graph/loop-navigation.ts), Enter opens the selected node's details (a step's hidden calls, a
// lineage node's run, the details pane), Escape clears the selection.
import { useCallback, type KeyboardEvent } from 'react';
import type { LoopGraph } from '../../../../shared/loop-graph';
import type { LoopLayout } from '../../graph/loop-layout';
import { SHOWN_CALLS } from '../../graph/loop-layout';
import { lineageRunId } from '../../graph/loop-text';
import { itemOf, stepFrom, type StepKey } from '../../graph/loop-navigation';

interface KeysInput {
  loop: LoopGraph;
  layout: LoopLayout;
  selectedId: string | null;
  onSelect: (nodeId: string | null) => void;
  toggleCalls: (nodeId: string) => void;
  onOpenRun: ((runId: string) => void) | undefined;
  /** A step by keyboard: the view stops following the newest node. */
  onStep: () => void;
}

const stepKeys: ReadonlySet<string> = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);

/** The details of the selected node, below the graph: focused, so the keyboard goes on from there. */
function focusDetails(): void {
  const details = document.querySelector<HTMLElement>('[data-testid="node-inspector"]');
  if (details === null) return;
  details.scrollIntoView({ block: 'nearest' });
  details.querySelector<HTMLElement>('button, [href], [tabindex]')?.focus();
}

export function useGraphKeys({ loop, layout, selectedId, onSelect, toggleCalls, onOpenRun, onStep }: KeysInput) {
  return useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.target !== event.currentTarget) return;
      if (stepKeys.has(event.key)) {
        event.preventDefault();
        const next = stepFrom(loop, layout, selectedId, event.key as StepKey);
        if (next !== undefined) {
          onStep();
          onSelect(next);
        }
        return;
      }
      if (event.key === 'Escape' && selectedId !== null) {
        event.preventDefault();
        onSelect(null);
        return;
      }
      if (event.key !== 'Enter') return;
      event.preventDefault();
      const item = itemOf(loop, selectedId);
      if (item === undefined) {
        if (loop.main[0] !== undefined) onSelect(loop.main[0].id);
        return;
      }
      const runId = lineageRunId(item);
      if (runId !== undefined && onOpenRun !== undefined) return onOpenRun(runId);
      if (item.kind === 'step' && item.calls.length > SHOWN_CALLS) toggleCalls(item.id);
      focusDetails();
    },
    [loop, layout, selectedId, onSelect, toggleCalls, onOpenRun, onStep],
  );
}
