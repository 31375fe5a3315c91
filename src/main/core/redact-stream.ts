// Text that is shown as it streams (a model's words, a command's output) is redacted like what is
// recorded; a secret may arrive split across chunks, so a chunk's unsettled end (see
// Redactor.settled) waits for the next chunk or the end of the stream.
import type { Redactor } from './redact';

export class RedactedStream {
  private pending = '';

  constructor(private readonly redactor: Redactor) {}

  /** What can be shown of the stream so far, redacted; the rest is kept for later. */
  push(chunk: string): string {
    this.pending += chunk;
    const end = this.redactor.settled(this.pending);
    if (end === 0) return '';
    const shown = this.redactor.text(this.pending.slice(0, end));
    this.pending = this.pending.slice(end);
    return shown;
  }

  /** The end of the stream: whatever was kept, redacted. */
  flush(): string {
    const shown = this.redactor.text(this.pending);
    this.pending = '';
    return shown;
  }
}
