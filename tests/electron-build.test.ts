// The Electron build: electron-vite builds main, preload and renderer, and the built preload exposes
// exactly the contract's bridge. Electron itself cannot start here (no binary), so the preload bundle
// runs in a VM context whose `electron` module records what it is given.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushChannels, requestChannels } from '../src/shared/channels';

const root = new URL('..', import.meta.url).pathname;
let outDir: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'looplab-build-'));
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir],
    {
      cwd: root,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    },
  );
}, 180_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

interface Recorded {
  exposed: Record<string, unknown>;
  invoked: [string, unknown][];
  listeners: Map<string, (...args: unknown[]) => void>;
}

function loadPreload(): Recorded {
  const recorded: Recorded = { exposed: {}, invoked: [], listeners: new Map() };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (recorded.exposed[key] = value) },
    ipcRenderer: {
      invoke: (channel: string, input: unknown) => {
        recorded.invoked.push([channel, input]);
        return Promise.resolve({ ok: true, value: channel });
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => recorded.listeners.set(channel, listener),
      removeListener: (channel: string) => recorded.listeners.delete(channel),
    },
  };
  const source = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
  const require = (name: string) => {
    if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
    return electron;
  };
  runInNewContext(source, { require, Promise, Error, Object }, { filename: 'preload/index.cjs' });
  return recorded;
}

describe('electron build', () => {
  it('builds main, a single CommonJS preload, and the renderer with its CSP', () => {
    expect(existsSync(join(outDir, 'main', 'index.js'))).toBe(true);
    const preload = readFileSync(join(outDir, 'preload', 'index.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).not.toMatch(/\bimport\s/);
    const html = readFileSync(join(outDir, 'renderer', 'index.html'), 'utf8');
    expect(html).toContain(`Content-Security-Policy`);
    expect(html).toContain(`script-src 'self'`);
  });

  it('exposes exactly the typed contract as window.api, and refuses other channels', async () => {
    const recorded = loadPreload();
    expect(Object.keys(recorded.exposed)).toEqual(['api']);
    const api = recorded.exposed.api as {
      call(channel: string, input: unknown): Promise<unknown>;
      subscribe(channel: string, listener: (payload: unknown) => void): () => void;
    };
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe']);
    expect(Object.isFrozen(api)).toBe(true);

    for (const channel of requestChannels) await api.call(channel, { probe: channel });
    expect(recorded.invoked).toEqual(requestChannels.map((channel) => [channel, { probe: channel }]));
    await expect(api.call('fs.readFile', {})).rejects.toThrow('Unknown request channel fs.readFile');
    expect(recorded.invoked).toHaveLength(requestChannels.length);

    const seen: unknown[] = [];
    const unsubscribe = api.subscribe(pushChannels[0], (payload) => seen.push(payload));
    recorded.listeners.get(pushChannels[0])!({ sender: 'ipc' }, { run: 'r' });
    expect(seen).toEqual([{ run: 'r' }]);
    unsubscribe();
    expect(recorded.listeners.size).toBe(0);
    expect(() => api.subscribe('shell.open', () => undefined)).toThrow('Unknown push channel shell.open');
  });
});
