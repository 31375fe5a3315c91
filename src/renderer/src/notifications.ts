// Desktop notifications for runs that wait for a person. Permission is asked when the person starts
// a run (a click, so the browser lets the page ask); without it nothing is shown.
import type { RunSummary } from '../../shared/run-summary';

function supported(): boolean {
  return typeof Notification !== 'undefined';
}

export function askNotificationPermission(): void {
  if (!supported() || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

export function notifyWaiting(run: RunSummary, onOpen: (runId: string) => void): void {
  if (!supported() || Notification.permission !== 'granted') return;
  const notification = new Notification('A run is waiting for your approval', {
    body: run.goal,
    tag: `waiting-${run.id}`,
  });
  notification.onclick = () => {
    window.focus();
    onOpen(run.id);
    notification.close();
  };
}
