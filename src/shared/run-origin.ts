// Whether a run is a "Run again" of its parent, apart from the event schemas: code that needs only
// this (the renderer's run list, on the home screen) does not load zod and build every schema first.

/** A new run (from a goal or a spec) started with "Run again" from another: its parent is that run. */
export function isRunAgain(run: { origin: string }): boolean {
  return run.origin === 'new' || run.origin === 'spec';
}
