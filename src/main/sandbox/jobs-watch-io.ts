// The small pieces a job's watcher stands on: its log file opened for appending, and the signal it races
// an engine's answers against when it lets go.
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import { openLogForAppend, type JobFiles } from './jobs-files';

/** The job's log, appended to; where a link stands in its way (made by the sandbox), output goes nowhere. */
export function openLog(files: JobFiles): Writable {
  try {
    return createWriteStream(files.log, { fd: openLogForAppend(files) });
  } catch {
    return new Writable({ write: (_chunk, _encoding, done) => done() });
  }
}

/** A promise that rejects once `reject` is called: what a watcher races its engine's answers against. */
export function letGoSignal(): { promise: Promise<never>; reject: (error: Error) => void } {
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<never>((_, fail) => (reject = fail));
  return { promise, reject };
}
