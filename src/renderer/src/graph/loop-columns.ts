// How many nodes a line of the loop holds. A finished run of modest size gets the count whose layout
// fits the pane at the largest zoom, so its overview reads best; a live run, a long one and one that
// cannot be read whole get as many as fit the pane's width at a readable zoom (so nodes keep their
// places while a run grows, and the beginning of a big loop shows whole lines).
import type { LoopGraph } from '../../../shared/loop-graph';
import { columnsFor, layoutLoop } from './loop-layout';
import { fitZoom, OVERVIEW_ZOOM, type Size } from './viewport';

/** The zoom a line of the loop is laid out to fit the pane's width at. */
const LAYOUT_ZOOM = 0.7;
/** Above this many nodes on the main line the overview cannot fit anyway: lay out by width. */
const TRIED_UP_TO = 120;
const FALLBACK_WIDTH = 900;

export function chooseColumns(loop: LoopGraph, size: Size, live: boolean, expanded: ReadonlySet<string>): number {
  const byWidth = columnsFor(size.width > 0 ? size.width : FALLBACK_WIDTH, LAYOUT_ZOOM);
  if (live || size.width <= 0 || size.height <= 0 || loop.main.length > TRIED_UP_TO) return byWidth;
  let best = { columns: byWidth, zoom: fitZoom(layoutLoop(loop, byWidth, expanded).bounds, size) };
  for (let columns = 2; columns <= 12; columns++) {
    if (columns === byWidth) continue;
    const zoom = fitZoom(layoutLoop(loop, columns, expanded).bounds, size);
    if (zoom > best.zoom + 0.01) best = { columns, zoom };
  }
  // A loop that cannot be read whole opens on its beginning: then lines as wide as the pane read best.
  return best.zoom >= OVERVIEW_ZOOM ? best.columns : byWidth;
}
