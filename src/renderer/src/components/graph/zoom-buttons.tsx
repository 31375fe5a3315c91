// Zoom out, zoom in and the overview, beside Follow: kept with the other buttons over the graph so
// nothing sits on its nodes.
import { useReactFlow } from '@xyflow/react';

const MOVE = { duration: 200 };

export function ZoomButtons({ onOverview }: { onOverview: () => void }) {
  const flow = useReactFlow();
  return (
    <span className="graph-zoom" role="group" aria-label="Zoom">
      <button
        type="button"
        className="button"
        title="Zoom out"
        aria-label="Zoom out"
        onClick={() => void flow.zoomOut(MOVE)}
      >
        −
      </button>
      <button
        type="button"
        className="button"
        title="Zoom in"
        aria-label="Zoom in"
        onClick={() => void flow.zoomIn(MOVE)}
      >
        +
      </button>
      <button type="button" className="button" title="The whole loop" onClick={onOverview}>
        Overview
      </button>
    </span>
  );
}
