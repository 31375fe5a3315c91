// Where the graph's viewport goes while it follows a run: the whole graph when it fits at a readable
// zoom, else the newest node (low in the view, under the steps before it), so a live run's latest step stays in view as it grows.
import type { GraphLayout, Point } from './graph-layout';
import { NODE_HEIGHT, NODE_WIDTH } from './graph-layout';

/** Below this zoom node labels stop being readable, so a bigger graph is followed, not fitted. */
export const READABLE_ZOOM = 0.6;
const PADDING = 20;
const FOLLOW_ZOOM = 0.9;

export type ViewportMove = { kind: 'fit' } | { kind: 'center'; x: number; y: number; zoom: number };

export function followMove(
  bounds: GraphLayout['bounds'],
  newest: Point | undefined,
  container: { width: number; height: number },
  zoom: number,
): ViewportMove | undefined {
  if (newest === undefined || container.width <= 0 || container.height <= 0) return undefined;
  const fitZoom = Math.min(
    (container.width - 2 * PADDING) / bounds.width,
    (container.height - 2 * PADDING) / bounds.height,
  );
  if (fitZoom >= READABLE_ZOOM) return { kind: 'fit' };
  const nextZoom = zoom >= READABLE_ZOOM ? zoom : FOLLOW_ZOOM;
  // The newest node sits three quarters of the way down, under the steps that led to it.
  const lift = (container.height * 0.25) / nextZoom;
  return { kind: 'center', x: newest.x + NODE_WIDTH / 2, y: newest.y + NODE_HEIGHT / 2 - lift, zoom: nextZoom };
}
