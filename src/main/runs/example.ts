// The recorded example run shipped with the app (resources/examples), so a fresh install can show a
// whole loop working before any model is set up: the archive is imported into the data folder once,
// then replayed like any run (its model turns from the recording, its tools run again in the sandbox).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import { sandboxResourceDir } from '../sandbox/sandbox-resources';
import type { EventStore } from '../store/event-store';
import { importRun, readArchive } from '../store/run-archive';

export const EXAMPLE_FILE = 'text-classifier.looplab';

/** What `looplab runs` and the empty home screen say when there are no runs yet. */
export const EXAMPLE_HINT =
  'A recorded example run ships with Looplab: replay it, with no model needed, with `looplab example`.\n';

/** resources/examples, beside resources/sandbox (a checkout, the bundled main or a packaged app). */
export function examplesDir(): string {
  return join(dirname(sandboxResourceDir()), 'examples');
}

export function exampleFile(): string {
  return join(examplesDir(), EXAMPLE_FILE);
}

export function hasExample(): boolean {
  try {
    return existsSync(exampleFile());
  } catch {
    return false;
  }
}

/** Imports the example into the store unless it is there already; returns its run id. */
export function ensureExample(store: EventStore): { runId: string; imported: boolean } {
  const file = exampleFile();
  if (!existsSync(file)) {
    throw new AppError(
      'not_found',
      `The example run (${file}) is missing from this installation.`,
      'Reinstall Looplab, or replay one of your own runs with `looplab replay <run-id>`.',
    );
  }
  const bytes = readFileSync(file);
  const { runId } = readArchive(bytes);
  if (store.getRun(runId) !== undefined) return { runId, imported: false };
  importRun(store, bytes);
  return { runId, imported: true };
}
