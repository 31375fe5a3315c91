// Keys for the approvals on screen: `a` approves the first pending call, `r` moves to its rejection
// feedback. Keys typed into fields, or with a modifier, are left alone.
import { useEffect, useEffectEvent } from 'react';

export interface ApprovalKeyHandlers {
  approveFirst: () => void;
  focusReject: () => void;
}

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function useApprovalKeys(handlers: ApprovalKeyHandlers): void {
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    if (isEditable(event.target)) return;
    if (event.key === 'a') {
      event.preventDefault();
      handlers.approveFirst();
      return;
    }
    if (event.key === 'r') {
      event.preventDefault();
      handlers.focusReject();
    }
  });

  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
