// Whether the bench view replaces the main panes, and which bench it shows. It is open from the moment
// the person opens it until they close it or anything opens a run (the address moves on); the bench
// picked stays picked, so opening the view again comes back to it.
import { useCallback, useState } from 'react';
import { routeHash, type Selection } from '../app/route';

export interface BenchViewState {
  open: boolean;
  benchId: string | null;
  show: () => void;
  close: () => void;
  pick: (benchId: string) => void;
}

export function useBenchView(selection: Selection | null): BenchViewState {
  const here = routeHash(selection);
  const [openedAt, setOpenedAt] = useState<string | null>(null);
  const [benchId, setBenchId] = useState<string | null>(null);
  const show = useCallback(() => setOpenedAt(here), [here]);
  const close = useCallback(() => setOpenedAt(null), []);
  return { open: openedAt === here, benchId, show, close, pick: setBenchId };
}
