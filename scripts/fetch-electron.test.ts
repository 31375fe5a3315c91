// `npm install` on a machine where Electron's binary cannot be downloaded: the install goes on, and the
// person reads what happened and what `npm start` will do instead.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cache = mkdtempSync(join(tmpdir(), 'looplab-electron-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('fetching Electron after npm install', () => {
  it('does not fail the install when the download fails, and says what npm start does instead', () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/', // nothing listens there: the download fails at once
      electron_config_cache: cache,
    };
    delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
    const result = spawnSync(process.execPath, [new URL('./fetch-electron.mjs', import.meta.url).pathname], {
      env,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      "looplab: Electron's binary could not be downloaded (RequestError: connect ECONNREFUSED 127.0.0.1:9).\n" +
        'looplab: The install goes on without it: `npm start` serves the same UI in your browser. ' +
        'To get the desktop app later, run `node scripts/fetch-electron.mjs`.\n',
    );
  });

  it('is quiet when the download is skipped on purpose', () => {
    const result = spawnSync(process.execPath, [new URL('./fetch-electron.mjs', import.meta.url).pathname], {
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ELECTRON_MIRROR: 'http://127.0.0.1:9/' },
      encoding: 'utf8',
    });
    expect(result).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });
});
