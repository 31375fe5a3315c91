// Text that is shown as it streams (a model's words, a command's output) is redacted like what is
// recorded; a secret may arrive split across chunks, so a chunk's unsettled tail (see
// Redactor.settled) waits for the next chunk or the end of the stream.
import type { Redactor } from './redact';

export class RedactedStream {
  private pending = '';
  /** Whether `pending` holds no white space: then a chunk without any settles nothing more. */
  private unbroken = true;

  constructor(private readonly redactor: Redactor) {}

  /** What can be shown of the stream so far, redacted; the rest is kept for later. */
  push(chunk: string): string {
    const broken = /\s/.test(chunk);
    this.pending += chunk;
    if (this.unbroken && !broken) return '';
    const end = this.redactor.settled(this.pending);
    const shown = end === 0 ? '' : this.redactor.text(this.pending.slice(0, end));
    this.pending = this.pending.slice(end);
    this.unbroken = !/\s/.test(this.pending);
    return shown;
  }

  /** The end of the stream: whatever was kept, redacted. */
  flush(): string {
    const shown = this.redactor.text(this.pending);
    this.pending = '';
    this.unbroken = true;
    return shown;
  }
}
