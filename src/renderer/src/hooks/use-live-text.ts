// The open run's streaming words, from the window-wide live text store.
import { useCallback, useSyncExternalStore } from 'react';
import { liveTextOf, subscribeLiveText } from '../live-text-store';

export function useLiveText(runId: string): string {
  const snapshot = useCallback(() => liveTextOf(runId), [runId]);
  return useSyncExternalStore(subscribeLiveText, snapshot);
}
