// The window-wide keys: "/" focuses search, Escape clears it, Up/Down move the selection. Keys typed
// into other fields are left alone; the search field itself still gets Up/Down and Escape.
import { useEffect, useEffectEvent } from 'react';

export interface ShortcutHandlers {
  focusSearch: () => void;
  clearSearch: () => void;
  move: (delta: 1 | -1) => void;
  /** The search field, which keeps Up/Down and Escape working while it has focus. */
  isSearchField: (element: EventTarget | null) => boolean;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useKeyboardShortcuts(handlers: ShortcutHandlers): void {
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const inSearch = handlers.isSearchField(event.target);
    if (isEditable(event.target) && !inSearch) return;
    if (event.key === '/' && !inSearch) {
      event.preventDefault();
      handlers.focusSearch();
      return;
    }
    if (event.key === 'Escape') {
      handlers.clearSearch();
      return;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      handlers.move(event.key === 'ArrowDown' ? 1 : -1);
    }
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
