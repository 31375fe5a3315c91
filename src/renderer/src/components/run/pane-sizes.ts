// How the run page's panes are laid out, kept in localStorage so a reload (or the next run opened)
// finds them as the person left them: the graph's share of the height above the details, the side
// panel's share of the width, and which pane (if any) fills the whole area.
export type PaneName = 'graph' | 'details' | 'side';

export interface PaneSizes {
  /** The graph's fraction of the height it shares with the details below it. */
  graph: number;
  /** The side panel's (jobs) fraction of the width. */
  side: number;
  maximized: PaneName | null;
}

export const PANE_SIZES_KEY = 'looplab.panes';
export const defaultPaneSizes: PaneSizes = { graph: 0.5, side: 0.4, maximized: null };
const LIMITS = { graph: [0.15, 0.85], side: [0.2, 0.7] } as const;

export function clampShare(pane: 'graph' | 'side', value: number): number {
  const [low, high] = LIMITS[pane];
  return Math.min(high, Math.max(low, value));
}

/** The sizes stored, with anything missing or out of range replaced by the defaults. */
export function parsePaneSizes(text: string | null): PaneSizes {
  if (text === null) return defaultPaneSizes;
  try {
    const value = JSON.parse(text) as Partial<Record<keyof PaneSizes, unknown>>;
    const share = (pane: 'graph' | 'side') =>
      typeof value[pane] === 'number' && Number.isFinite(value[pane])
        ? clampShare(pane, value[pane])
        : defaultPaneSizes[pane];
    const maximized = ['graph', 'details', 'side'].includes(value.maximized as string)
      ? (value.maximized as PaneName)
      : null;
    return { graph: share('graph'), side: share('side'), maximized };
  } catch {
    return defaultPaneSizes;
  }
}

export function loadPaneSizes(): PaneSizes {
  try {
    return parsePaneSizes(window.localStorage.getItem(PANE_SIZES_KEY));
  } catch {
    return defaultPaneSizes;
  }
}

export function savePaneSizes(sizes: PaneSizes): void {
  try {
    window.localStorage.setItem(PANE_SIZES_KEY, JSON.stringify(sizes));
  } catch {
    // Storage full or switched off: the layout lasts until the page closes.
  }
}
