// A file's bytes on their way into the blob store, checked for known secret values: a workspace file
// that holds one is not snapshotted, and no part of the secret is written under blobs/. The check sees
// each byte inside a window that also holds the SECRET_WINDOW_BYTES before it, and those last bytes are
// held back until the next window is checked, so a value split across reads is still found before any
// of it goes on. The predicate is the run's redactor (`(text) => redact(text) !== text`, or `contains`).
import { Transform } from 'node:stream';

/** Longer than any secret value and its common encodings (base64, hex) that a redactor recognises. */
export const SECRET_WINDOW_BYTES = 64 * 1024;

export class SecretFound extends Error {
  constructor() {
    super('the file holds a known secret value');
    this.name = 'SecretFound';
  }
}

/** Passes bytes through unchanged, or fails with SecretFound before passing on any window with a secret. */
export function secretFilter(holdsSecret: (text: string) => boolean): Transform {
  let held = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const window = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
      if (holdsSecret(window.toString('utf8'))) {
        done(new SecretFound());
        return;
      }
      const keep = Math.min(window.length, SECRET_WINDOW_BYTES);
      held = Buffer.from(window.subarray(window.length - keep));
      if (window.length > keep) this.push(window.subarray(0, window.length - keep));
      done();
    },
    flush(done) {
      if (held.length > 0) this.push(held);
      done();
    },
  });
}
