// Jobs record and stream outside any run's loop: they outlive it, and another process may watch them
// after a restart. Their events go through a run recorder all the same, and the log lines pushed to the
// UI through the same redactor, with the secrets known now (read again at most once a second, since a
// busy job prints thousands of lines a second and the secret store is a file).
import type { RunLog } from '../core/ports';
import { RunRecorder } from '../core/recorder';
import { createRedactor, type Redactor } from '../core/redact';
import { knownSecrets, type SecretSources } from './run-deps';

const FRESH_MS = 1000;

/** The redactor of every secret known to the app, rebuilt when it is older than a second. */
export function currentRedactor(deps: SecretSources, now = () => Date.now()): () => Redactor {
  let made: { redactor: Redactor; at: number } | undefined;
  return () => {
    if (made === undefined || now() - made.at >= FRESH_MS)
      made = { redactor: createRedactor(knownSecrets(deps)), at: now() };
    return made.redactor;
  };
}

/** The run log jobs write to: each append is recorded through a recorder of its run. */
export function jobLog(store: RunLog, redactor: () => Redactor): RunLog {
  return {
    append: (runId, drafts) => new RunRecorder(store, runId, redactor()).record(drafts),
    loadEvents: (runId) => store.loadEvents(runId),
  };
}
