// `looplab serve` needs the built UI. It builds it on first use and again whenever the renderer or
// shared sources are newer than the build, into a temporary folder swapped in at the end, so a
// browser never sees half a build.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../version';

export const projectRoot = appRoot();

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

export function rendererDir(root = projectRoot): string {
  return join(root, 'out', 'renderer');
}

export function rendererIsFresh(root = projectRoot): boolean {
  const index = join(rendererDir(root), 'index.html');
  if (!existsSync(index)) return false;
  const sources = [join(root, 'src', 'renderer'), join(root, 'src', 'shared')].filter(existsSync);
  if (sources.length === 0) return true;
  return statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime));
}

export async function ensureRendererBuilt(log: (line: string) => void, root = projectRoot): Promise<string> {
  const target = rendererDir(root);
  if (rendererIsFresh(root)) return target;
  if (!existsSync(join(root, 'src', 'renderer'))) {
    throw new Error(`The UI is not built at ${target} and its sources are not here to build it.`);
  }
  log('Building the UI…');
  const started = Date.now();
  const temp = `${target}.building-${process.pid}`;
  // Always a production build, whatever NODE_ENV the caller runs under (vitest sets `test`): the JSX
  // transform and React's own build both follow it.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    const [{ build }, { rendererConfig }] = await Promise.all([
      import('vite'),
      import('../../../electron.vite.config'),
    ]);
    const config = rendererConfig(root);
    await build({
      ...config,
      configFile: false,
      mode: 'production',
      logLevel: 'warn',
      build: { ...config.build, outDir: temp, emptyOutDir: true },
    });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(temp, target);
  log(`Built the UI in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return target;
}
