// The theme the system asks for, kept current: drawing on a canvas (charts) needs the colours again
// when it changes.
import { useSyncExternalStore } from 'react';

const query = '(prefers-color-scheme: light)';

function subscribe(listener: () => void): () => void {
  const media = window.matchMedia(query);
  media.addEventListener('change', listener);
  return () => media.removeEventListener('change', listener);
}

export function useColorScheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, () => (window.matchMedia(query).matches ? 'light' : 'dark'));
}
