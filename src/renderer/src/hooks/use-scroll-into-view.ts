// A list item that scrolls itself into view when it becomes the selected (or focused) one, as the keys
// or a link move the selection through a long list.
import { useEffect, useRef, type RefObject } from 'react';

export function useScrollIntoView<T extends HTMLElement>(
  active: boolean,
  block: ScrollLogicalPosition = 'nearest',
): RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (active) ref.current?.scrollIntoView({ block });
  }, [active, block]);
  return ref;
}
