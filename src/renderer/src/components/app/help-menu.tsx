// Help in the header: the example run to replay (reachable whatever the data folder holds) and the
// keyboard shortcuts, which `?` opens from anywhere but a text field.
import { useCallback, useEffect, useEffectEvent, useRef, useState, type ReactNode } from 'react';
import { ExampleOffer } from '../run-list/example-offer';
import './help.css';

const SHORTCUTS: [string, string][] = [
  ['/', 'Search runs: goals, messages, tool output'],
  ['↑ ↓', 'Move through the runs, or the search hits'],
  ['Esc', 'Clear the search; close this list'],
  ['a', 'Approve the first call waiting for approval'],
  ['r', 'Reject it, with feedback'],
  ['?', 'Show these shortcuts'],
];

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

export function HelpMenu({ onOpenRun }: { onOpenRun: (runId: string) => void }) {
  const [open, setOpen] = useState<'menu' | 'shortcuts' | null>(null);
  const onKeyDown = useEffectEvent((event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isEditable(event.target)) return;
    if (event.key === '?') {
      event.preventDefault();
      setOpen('shortcuts');
    } else if (event.key === 'Escape' && open !== null) setOpen(null);
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKeyDown(event);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);

  const close = useCallback(() => setOpen(null), []);
  return (
    <OutsideClick className="help-menu" onOutside={close}>
      <button
        type="button"
        className="button"
        data-testid="open-help"
        aria-expanded={open === 'menu'}
        onClick={() => setOpen(open === 'menu' ? null : 'menu')}
      >
        Help
      </button>
      {open === 'menu' && (
        <div className="help-popover" role="dialog" aria-label="Help" data-testid="help-menu">
          <ExampleOffer
            onOpen={(runId) => {
              setOpen(null);
              onOpenRun(runId);
            }}
          />
          <button type="button" className="link" data-testid="show-shortcuts" onClick={() => setOpen('shortcuts')}>
            Keyboard shortcuts <kbd>?</kbd>
          </button>
        </div>
      )}
      {open === 'shortcuts' && <ShortcutsDialog onClose={close} />}
    </OutsideClick>
  );
}

/** A box that hears of a press outside it (to close the menu it holds). */
function OutsideClick({
  className,
  onOutside,
  children,
}: {
  className: string;
  onOutside: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const listener = (event: MouseEvent) => {
      if (ref.current !== null && !ref.current.contains(event.target as Node)) onOutside();
    };
    window.addEventListener('mousedown', listener);
    return () => window.removeEventListener('mousedown', listener);
  }, [onOutside]);
  return (
    <div ref={ref} className={className}>
      {children}
    </div>
  );
}

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div
        className="shortcuts-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="shortcuts"
        onClick={(event) => event.stopPropagation()}
      >
        <div className="shortcuts-head">
          <h2>Keyboard shortcuts</h2>
          <button type="button" className="link" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </div>
        <dl className="shortcuts-list">
          {SHORTCUTS.map(([keys, what]) => (
            <div key={keys} className="shortcut">
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
