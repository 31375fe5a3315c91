// Finds resources/sandbox (the agent and the image recipes) from a checkout (sources run by tsx or
// vitest), from the bundled main process (out/main) and from a packaged app (process.resourcesPath).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../shared/errors';

const MARKER = 'agent.py';

function candidates(): string[] {
  const found: string[] = [];
  const fromEnv = process.env.LOOPLAB_SANDBOX_RESOURCES;
  if (fromEnv !== undefined && fromEnv !== '') found.push(fromEnv);
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (packaged !== undefined) found.push(join(packaged, 'resources', 'sandbox'));
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    found.push(join(dir, 'resources', 'sandbox'));
    if (dirname(dir) === dir) break;
  }
  return found;
}

let cachedDir: string | undefined;

export function sandboxResourceDir(): string {
  if (cachedDir !== undefined) return cachedDir;
  const dir = candidates().find((candidate) => existsSync(join(candidate, MARKER)));
  if (dir === undefined)
    throw new AppError(
      'internal',
      'The sandbox resources (resources/sandbox/agent.py) are missing from this installation.',
      'Reinstall Looplab, or set LOOPLAB_SANDBOX_RESOURCES to the folder that holds agent.py.',
    );
  cachedDir = dir;
  return dir;
}

let cachedSource: string | undefined;

/** The agent's source, injected into every container so an image built by an older version still works. */
export function agentSource(): string {
  cachedSource ??= readFileSync(join(sandboxResourceDir(), MARKER), 'utf8');
  return cachedSource;
}

let cachedMetrics: string | undefined;

/** The harness's metrics script (resources/sandbox/metrics.py), passed to `python3 -c` in the evaluation container. */
export function metricsSource(): string {
  cachedMetrics ??= readFileSync(join(sandboxResourceDir(), 'metrics.py'), 'utf8');
  return cachedMetrics;
}

let cachedRelay: string | undefined;

/** The relay to the egress proxy (resources/sandbox/relay.py), run with `python3 -c` in containers with an allow-list. */
export function relaySource(): string {
  cachedRelay ??= readFileSync(join(sandboxResourceDir(), 'relay.py'), 'utf8');
  return cachedRelay;
}

let cachedGpuCheck: string | undefined;

/** The check a GPU job runs first (resources/sandbox/gpu-check.py), saying whether torch sees the GPU. */
export function gpuCheckSource(): string {
  cachedGpuCheck ??= readFileSync(join(sandboxResourceDir(), 'gpu-check.py'), 'utf8');
  return cachedGpuCheck;
}
