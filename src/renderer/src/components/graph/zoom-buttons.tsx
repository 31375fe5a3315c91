// Zoom out, zoom in and the overview, beside Follow: kept with the other buttons over the graph so
// nothing sits on its nodes.
import { useReactFlow } from '@xyflow/react';

const MOVE = { duration: 200 };

function ZoomButton({ label, onClick, children }: { label: string; onClick: () => void; children: string }) {
  return (
    <button type="button" className="button" title={label} aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}

export function ZoomButtons({ onOverview }: { onOverview: () => void }) {
  const flow = useReactFlow();
  return (
    <span className="graph-zoom" role="group" aria-label="Zoom">
      <ZoomButton label="Zoom out" onClick={() => void flow.zoomOut(MOVE)}>
        −
      </ZoomButton>
      <ZoomButton label="Zoom in" onClick={() => void flow.zoomIn(MOVE)}>
        +
      </ZoomButton>
      <button type="button" className="button" title="The whole loop" onClick={onOverview}>
        Overview
      </button>
    </span>
  );
}
