// The layer rule of docs/ARCHITECTURE.md is lint: shared, the renderer and the preload by
// no-restricted-imports, the main process by an allow-list (scripts/layer-rule.mjs over the map in
// eslint.config.js). This proves each forbidden direction fires, a part the map does not name is an
// error, and the allowed directions stay quiet.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });
const LAYER_RULES = new Set(['no-restricted-imports', 'looplab/layers']);

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = value;\n`, { filePath });
  return result!.messages.filter((message) => LAYER_RULES.has(message.ruleId ?? '')).map((message) => message.message);
}

const CORE = 'core depends on interfaces it declares, never on an adapter, the application or a front end.';
const ADAPTER = 'An adapter implements what core declares over real things';
const APPLICATION = 'The application (runs, api) uses core and the adapters; it never imports app.ts or a front end';

describe('layer rule', () => {
  it.each([
    [
      'src/shared/x.ts',
      "import { value } from '../main/store/event-store';",
      'Only the main process imports from src/main.',
    ],
    ['src/shared/x.ts', "import { value } from 'node:fs';", 'This layer runs outside Node: no node: modules.'],
    ['src/shared/x.ts', "import value from 'better-sqlite3';", 'better-sqlite3 belongs to the main process adapters.'],
    [
      'src/renderer/src/x.ts',
      "import { value } from '../../main/app';",
      'Only the main process imports from src/main.',
    ],
    ['src/renderer/src/x.ts', "import { value } from 'electron';", 'electron belongs to the main process adapters.'],
    ['src/preload/x.ts', "import { value } from 'zod';", 'The preload stays tiny: no zod.'],
    // core: no adapter, no application, no composition root, no front end, no adapter's package.
    ['src/main/core/x.ts', "import { value } from '../store/event-store';", `may not import src/main/store. ${CORE}`],
    ['src/main/core/x.ts', "import { value } from '../settings/settings-store';", `src/main/settings. ${CORE}`],
    ['src/main/core/x.ts', "import { value } from '../runs/run-loop';", `src/main/runs. ${CORE}`],
    ['src/main/core/x.ts', "import type { value } from '../app';", `src/main/app. ${CORE}`],
    ['src/main/core/x.ts', "import { value } from '../mcp/mcp-tools';", `src/main/mcp. ${CORE}`],
    ['src/main/core/x.ts', "import { value } from '../cli/main';", `src/main/cli. ${CORE}`],
    ['src/main/core/x.ts', "import value from 'dockerode';", `the package dockerode. ${CORE}`],
    [
      'src/main/core/x.ts',
      "import { value } from '@modelcontextprotocol/sdk/client/index.js';",
      `the package @modelcontextprotocol/sdk. ${CORE}`,
    ],
    ['src/main/core/x.ts', "const value = await import('../providers/registry');", `src/main/providers. ${CORE}`],
    // Adapters: never the application, the composition root or a front end; only the adapters named.
    [
      'src/main/store/x.ts',
      "import { value } from '../cli/main';",
      `src/main/store may not import src/main/cli. ${ADAPTER}`,
    ],
    ['src/main/providers/x.ts', "import { value } from '../runs/readiness';", `src/main/runs. ${ADAPTER}`],
    ['src/main/providers/x.ts', "import type { value } from '../app';", `src/main/app. ${ADAPTER}`],
    ['src/main/tools/x.ts', "import { value } from '../api/handlers';", `src/main/api. ${ADAPTER}`],
    ['src/main/specs/x.ts', "import type { value } from '../app';", `src/main/app. ${ADAPTER}`],
    ['src/main/hub/x.ts', "import { value } from '../store/event-store';", `src/main/store. ${ADAPTER}`],
    ['src/main/home.ts', "import { value } from './store/event-store';", `src/main/store. ${ADAPTER}`],
    ['src/main/sandbox/x.ts', "import value from 'better-sqlite3';", `the package better-sqlite3. ${ADAPTER}`],
    // The application: never the composition root or a front end.
    [
      'src/main/runs/x.ts',
      "import { value } from '../cli/progress';",
      `src/main/runs may not import src/main/cli. ${APPLICATION}`,
    ],
    ['src/main/runs/x.ts', "import type { value } from '../app';", `src/main/app. ${APPLICATION}`],
    ['src/main/runs/x.ts', "export { value } from '../web/server';", `src/main/web. ${APPLICATION}`],
    ['src/main/api/x.ts', "import type { value } from '../app';", `src/main/app. ${APPLICATION}`],
    ['src/main/runs/x.ts', "import value from 'lodash';", `the package lodash. ${APPLICATION}`],
    // The composition root and the front ends.
    ['src/main/app.ts', "import { value } from './cli/main';", 'src/main/app may not import src/main/cli.'],
    ['src/main/web/x.ts', "import { value } from '../runs/run-manager';", 'src/main/web may not import src/main/runs.'],
    // A part the map does not name.
    [
      'src/main/newthing/x.ts',
      "import { value } from '../../shared/events';",
      'src/main/newthing is not in the layer map of eslint.config.js: name what it may import there.',
    ],
    [
      'src/main/extra.ts',
      "import { value } from '../shared/events';",
      'src/main/extra is not in the layer map of eslint.config.js',
    ],
  ])('%s may not %s', async (file, source, message) => {
    expect(await layerErrors(file, source)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['src/renderer/src/x.ts', "import { value } from '../../shared/events';"],
    ['src/preload/x.ts', "import { value } from 'electron';"],
    ['src/main/core/x.ts', "import { value } from '../../shared/events';"],
    ['src/main/core/x.ts', "import { value } from 'node:crypto';"],
    ['src/main/core/x.ts', "import { value } from './loop';"],
    ['src/main/core/x.test.ts', "import { value } from 'vitest';"],
    ['src/main/store/x.ts', "import value from 'better-sqlite3';"],
    ['src/main/store/x.ts', "import type { value } from '../home';"],
    ['src/main/home.ts', "import { value } from './store/storage-errors';"],
    ['src/main/home.test.ts', "import { value } from './home';"],
    ['src/main/mcp/x.ts', "import { value } from '@modelcontextprotocol/sdk/client/index.js';"],
    ['src/main/runs/x.ts', "import { value } from '../store/event-store';"],
    ['src/main/runs/x.ts', "import { value } from '../core/loop';"],
    ['src/main/api/x.ts', "import { value } from '../runs/run-manager';"],
    ['src/main/app.ts', "import { value } from './runs/run-manager';"],
    ['src/main/cli/x.ts', "import { value } from '../app';"],
    ['src/main/cli/x.ts', "import { value } from '../store/event-store';"],
    ['src/main/web/x.ts', "import { value } from '../api/handlers';"],
    ['src/main/web/x.test.ts', "import { value } from '../app';"],
    ['src/main/store/x.test.ts', "import { value } from '../../../tests/helpers/temp-home';"],
    ['src/main/index.ts', "import { value } from 'electron';"],
  ])('%s may %s', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });
});
