// Where the graph's viewport goes. A finished run opens on an overview: the whole loop when it fits at
// a zoom where its text (or the nodes' compact form) is readable, else its beginning at that zoom, with
// the minimap for the rest. A live run follows its newest node, low in the view under the steps that
// led to it; a node selected out of view is brought into it.
import type { Box } from './loop-layout';

/** Below this zoom nodes show their compact form instead of smaller text. */
export const COMPACT_ZOOM = 0.6;
/** The least zoom at which the compact form still reads. */
export const OVERVIEW_ZOOM = 0.4;
/** The zoom a live run is followed at when the whole graph does not fit a readable one. */
const FOLLOW_ZOOM = 0.85;
const PADDING = 20;
/** Room at the top for the legend and the buttons drawn over the graph. */
const TOP = 48;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface Size {
  width: number;
  height: number;
}

/** The zoom at which the whole of `bounds` fits the container, below the legend. */
export function fitZoom(bounds: Box, container: Size): number {
  return Math.min((container.width - 2 * PADDING) / bounds.width, (container.height - TOP - PADDING) / bounds.height);
}

/** The whole of `bounds` centred in the container (below the legend) at `zoom`. */
function fitted(bounds: Box, container: Size, zoom: number): Viewport {
  return {
    x: container.width / 2 - (bounds.x + bounds.width / 2) * zoom,
    y: TOP + (container.height - TOP - PADDING) / 2 - (bounds.y + bounds.height / 2) * zoom,
    zoom,
  };
}

export function overview(bounds: Box, container: Size): Viewport | undefined {
  if (bounds.width <= 0 || container.width <= 0 || container.height <= 0) return undefined;
  const zoom = Math.min(1, fitZoom(bounds, container));
  if (zoom >= OVERVIEW_ZOOM) return fitted(bounds, container, zoom);
  // The beginning of the loop, as wide as fits, never below a readable zoom.
  const start = Math.min(1, Math.max(OVERVIEW_ZOOM, (container.width - 2 * PADDING) / bounds.width));
  return { x: PADDING - bounds.x * start, y: TOP - bounds.y * start, zoom: start };
}

export function follow(bounds: Box, newest: Box | undefined, container: Size, zoom: number): Viewport | undefined {
  if (newest === undefined || container.width <= 0 || container.height <= 0) return undefined;
  const whole = Math.min(1, fitZoom(bounds, container));
  if (whole >= COMPACT_ZOOM) return fitted(bounds, container, whole);
  const next = zoom >= COMPACT_ZOOM ? zoom : FOLLOW_ZOOM;
  // The newest node three quarters of the way down and on the right, under what led to it.
  const x = container.width * 0.7 - (newest.x + newest.width / 2) * next;
  const y = container.height * 0.72 - (newest.y + newest.height / 2) * next;
  return { x: Math.min(x, PADDING - bounds.x * next), y, zoom: next };
}

/** The viewport moved just enough to show `box`, or undefined when it is in view already. */
export function reveal(box: Box, viewport: Viewport, container: Size): Viewport | undefined {
  const zoom = Math.max(viewport.zoom, OVERVIEW_ZOOM);
  const left = box.x * zoom + viewport.x;
  const top = box.y * zoom + viewport.y;
  const right = left + box.width * zoom;
  const bottom = top + box.height * zoom;
  const inside = left >= 0 && top >= 0 && right <= container.width && bottom <= container.height;
  if (inside && zoom === viewport.zoom) return undefined;
  return {
    x: container.width / 2 - (box.x + box.width / 2) * zoom,
    y: container.height / 2 - (box.y + box.height / 2) * zoom,
    zoom,
  };
}
