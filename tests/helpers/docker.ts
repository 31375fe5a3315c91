// The local Docker engine for sandbox tests. Where LOOPLAB_REQUIRE_DOCKER=1 (CI), a missing or stopped
// engine fails the suite instead of skipping it.
import { execFileSync } from 'node:child_process';

export const dockerRequired = process.env.LOOPLAB_REQUIRE_DOCKER === '1';

function engineAnswers(): boolean {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

export const dockerAvailable = engineAnswers();
/** True when Docker tests should be skipped: no engine here and none required. */
export const skipDocker = !dockerAvailable && !dockerRequired;

export function requireDocker(): void {
  if (!dockerAvailable) {
    throw new Error('The Docker engine is required (LOOPLAB_REQUIRE_DOCKER=1) but does not answer: start dockerd.');
  }
}
