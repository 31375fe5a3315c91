// The layer rule of docs/ARCHITECTURE.md is an ESLint rule; this proves it fires on each forbidden
// direction and stays quiet on the allowed ones.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function layerErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = value;\n`, { filePath });
  return result!.messages
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

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
    [
      'src/main/core/x.ts',
      "import { value } from '../store/event-store';",
      'core depends on interfaces it declares, never on an adapter or a host.',
    ],
    ['src/main/core/x.ts', "import value from 'dockerode';", 'dockerode belongs to the main process adapters.'],
    ['src/main/store/x.ts', "import { value } from '../cli/main';", 'Adapters never import a host.'],
  ])('%s may not %s', async (file, source, message) => {
    expect(await layerErrors(file, source)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['src/renderer/src/x.ts', "import { value } from '../../shared/events';"],
    ['src/main/core/x.ts', "import { value } from '../../shared/events';"],
    ['src/main/store/x.ts', "import value from 'better-sqlite3';"],
    ['src/main/cli/x.ts', "import { value } from '../store/event-store';"],
    ['src/preload/x.ts', "import { value } from 'electron';"],
  ])('%s may %s', async (file, source) => {
    expect(await layerErrors(file, source)).toEqual([]);
  });
});
