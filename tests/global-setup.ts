// Builds the UI once before the tests, so the browser tests' `looplab serve` processes find it fresh
// instead of each building it at the same time.
import { ensureRendererBuilt } from '../src/main/cli/renderer-build';

export default async function setup(): Promise<void> {
  await ensureRendererBuilt(() => undefined);
}
