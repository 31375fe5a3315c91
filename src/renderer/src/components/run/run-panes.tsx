// The run page's working area: the graph above the details (the selected step, the transcript or the
// events), the side panel (jobs) beside them. The borders between them drag (or take the arrow keys),
// each pane can fill the whole area and come back, and the layout is kept for the next visit.
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import {
  clampShare,
  defaultPaneSizes,
  loadPaneSizes,
  savePaneSizes,
  type PaneName,
  type PaneSizes,
} from './pane-sizes';
import './run-panes.css';

const KEY_STEP = 0.05;

export interface PaneLayout {
  sizes: PaneSizes;
  setShare: (pane: 'graph' | 'side', share: number) => void;
  toggleMaximized: (pane: PaneName) => void;
}

export function usePaneLayout(): PaneLayout {
  const [sizes, setSizes] = useState(loadPaneSizes);
  const update = useCallback((change: (current: PaneSizes) => PaneSizes) => {
    setSizes((current) => {
      const next = change(current);
      savePaneSizes(next);
      return next;
    });
  }, []);
  const setShare = useCallback(
    (pane: 'graph' | 'side', share: number) => update((current) => ({ ...current, [pane]: clampShare(pane, share) })),
    [update],
  );
  const toggleMaximized = useCallback(
    (pane: PaneName) => update((current) => ({ ...current, maximized: current.maximized === pane ? null : pane })),
    [update],
  );
  return { sizes, setShare, toggleMaximized };
}

interface RunPanesProps {
  layout: PaneLayout;
  graph: ReactNode;
  details: ReactNode;
  side: ReactNode | null;
}

export function RunPanes({ layout, graph, details, side }: RunPanesProps) {
  const { sizes, setShare } = layout;
  const main = useRef<HTMLDivElement>(null);
  const whole = useRef<HTMLDivElement>(null);
  const maximized = sizes.maximized === 'side' && side === null ? null : sizes.maximized;
  const rows = maximized === null ? `minmax(0, ${sizes.graph}fr) auto minmax(0, ${1 - sizes.graph}fr)` : undefined;
  const columns =
    side !== null && maximized === null ? `minmax(0, ${1 - sizes.side}fr) auto minmax(0, ${sizes.side}fr)` : undefined;

  return (
    <div
      ref={whole}
      className="run-views"
      data-testid="run-panes"
      data-maximized={maximized ?? undefined}
      style={{ gridTemplateColumns: columns }}
    >
      <div ref={main} className="run-main" style={{ gridTemplateRows: rows }} hidden={maximized === 'side'}>
        <div className="pane-slot pane-graph" data-testid="pane-graph" hidden={maximized === 'details'}>
          {graph}
        </div>
        {maximized === null && (
          <Divider
            orientation="horizontal"
            label="Resize the graph and the details"
            share={sizes.graph}
            container={main}
            onShare={(share) => setShare('graph', share)}
            onReset={() => setShare('graph', defaultPaneSizes.graph)}
          />
        )}
        <div className="pane-slot pane-details" data-testid="pane-details" hidden={maximized === 'graph'}>
          {details}
        </div>
      </div>
      {side !== null && maximized === null && (
        <Divider
          orientation="vertical"
          label="Resize the side panel"
          share={1 - sizes.side}
          container={whole}
          onShare={(share) => setShare('side', 1 - share)}
          onReset={() => setShare('side', defaultPaneSizes.side)}
        />
      )}
      {side !== null && (
        <div
          className="pane-slot pane-side"
          data-testid="pane-side"
          hidden={maximized === 'graph' || maximized === 'details'}
        >
          {side}
        </div>
      )}
    </div>
  );
}

interface DividerProps {
  orientation: 'horizontal' | 'vertical';
  label: string;
  /** The share of the container before the divider. */
  share: number;
  container: React.RefObject<HTMLDivElement | null>;
  onShare: (share: number) => void;
  onReset: () => void;
}

function Divider({ orientation, label, share, container, onShare, onReset }: DividerProps) {
  const [dragging, setDragging] = useState(false);
  const horizontal = orientation === 'horizontal';
  const shareAt = (event: PointerEvent<HTMLDivElement>): number | undefined => {
    const box = container.current?.getBoundingClientRect();
    if (box === undefined) return undefined;
    return horizontal ? (event.clientY - box.top) / box.height : (event.clientX - box.left) / box.width;
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    const next = shareAt(event);
    if (next !== undefined) onShare(next);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const back = horizontal ? 'ArrowUp' : 'ArrowLeft';
    const forward = horizontal ? 'ArrowDown' : 'ArrowRight';
    if (event.key !== back && event.key !== forward) return;
    event.preventDefault();
    onShare(share + (event.key === forward ? KEY_STEP : -KEY_STEP));
  };
  return (
    <div
      className={`pane-divider divider-${orientation}${dragging ? ' dragging' : ''}`}
      role="separator"
      aria-orientation={horizontal ? 'horizontal' : 'vertical'}
      aria-label={label}
      aria-valuenow={Math.round(share * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
      tabIndex={0}
      title={`${label} (drag; double-click to reset)`}
      data-testid={`divider-${orientation}`}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture(event.pointerId);
        setDragging(true);
      }}
      onPointerMove={onPointerMove}
      onPointerUp={() => setDragging(false)}
      onPointerCancel={() => setDragging(false)}
      onDoubleClick={onReset}
      onKeyDown={onKeyDown}
    />
  );
}

/** The button that makes a pane fill the run's working area, and puts it back. */
export function MaximizeButton({ layout, pane, label }: { layout: PaneLayout; pane: PaneName; label: string }) {
  const on = layout.sizes.maximized === pane;
  return (
    <button
      type="button"
      className={`button pane-maximize${on ? ' active' : ''}`}
      aria-pressed={on}
      title={on ? `Restore the ${label}` : `Maximise the ${label}`}
      aria-label={on ? `Restore the ${label}` : `Maximise the ${label}`}
      data-testid={`maximize-${pane}`}
      onClick={() => layout.toggleMaximized(pane)}
    >
      {on ? '⤡' : '⤢'}
    </button>
  );
}
