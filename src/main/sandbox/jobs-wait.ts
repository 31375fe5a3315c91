// Waiting on a job for the job_status tool: until it ends, one of its watches fires, the time asked for
// passes or the call is cancelled, whichever comes first.

export class JobWaits {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** A watch of the job fired: whoever waits on it stops waiting. */
  wake(jobId: string): void {
    for (const wake of this.waiting.get(jobId) ?? []) wake();
  }

  async wait(jobId: string, ended: Promise<unknown>, ms: number, signal: AbortSignal): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let stop: (() => void) | undefined;
    const woken = new Promise<void>((resolve) => {
      stop = () => resolve();
      timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', stop, { once: true });
    });
    const wakers = this.waiting.get(jobId) ?? new Set();
    this.waiting.set(jobId, wakers);
    wakers.add(stop!);
    try {
      await Promise.race([ended, woken]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop!);
      wakers.delete(stop!);
      if (wakers.size === 0) this.waiting.delete(jobId);
    }
  }
}
