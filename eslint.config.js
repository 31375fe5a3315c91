// Lint rules, including the layers of docs/ARCHITECTURE.md: shared ← core ← adapters ← application (runs,
// api) ← composition root (app.ts) ← front ends (Electron, cli, web); renderer and preload see only shared.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerRule } from './scripts/layer-rule.mjs';

const nodeBuiltins = { group: ['node:*'], message: 'This layer runs outside Node: no node: modules.' };
const main = { group: ['**/main/**', '**/main'], message: 'Only the main process imports from src/main.' };
const preload = { group: ['**/preload/**', '**/preload'], message: 'Nothing imports the preload.' };
const renderer = { group: ['**/renderer/**'], message: 'Only the renderer imports from src/renderer.' };
const adapterOnly = (names) =>
  names.map((name) => ({ name, message: `${name} belongs to the main process adapters.` }));
const adapterPackages = [
  'electron',
  'better-sqlite3',
  'dockerode',
  'ollama',
  'openai',
  '@anthropic-ai/sdk',
  '@huggingface/hub',
  'proxy-chain',
  'tar',
  '@kubernetes/client-node',
];

// The main process, part by part: what each may import (parts of src, then npm packages; node:* always).
// A part left out here is an error, so a new folder says where it sits before it imports anything.
const shared = 'src/shared';
const inMain = (name) => `src/main/${name}`;
const [core, fs, data, hub, providers, sandbox, tools, store, settings, mcp, specs] = [
  'core',
  'fs',
  'data',
  'hub',
  'providers',
  'sandbox',
  'tools',
  'store',
  'settings',
  'mcp',
  'specs',
].map(inMain);
const [runs, bench, api, web, electron, cli] = ['runs', 'bench', 'api', 'web', 'electron', 'cli'].map(inMain);
const [app, home, version] = ['app.ts', 'home.ts', 'version.ts'].map(inMain);

const why = {
  core: 'core depends on interfaces it declares, never on an adapter, the application or a front end.',
  adapter:
    'An adapter implements what core declares over real things; it imports shared, core and the adapters its entry in eslint.config.js names, never the application (runs, api), app.ts or a front end.',
  application:
    'The application (runs, api) uses core and the adapters; it never imports app.ts or a front end: what it needs of them it declares itself.',
  root: 'app.ts composes the application and the adapters; front ends use it, never the other way.',
  frontEnd: 'A front end wires the app to a window, a terminal or a port, with only what its entry names.',
};

const mainLayers = {
  [core]: { may: [shared], packages: ['zod'], why: why.core },
  // Adapters, and the data folder's layout and the version every part may read.
  [version]: { may: [], why: why.adapter },
  // An unwritable data folder is reported as the store reports it.
  [home]: { may: [shared, `${store}/storage-errors.ts`], why: why.adapter },
  [fs]: { may: [], why: why.adapter },
  [data]: { may: [shared, fs], why: why.adapter },
  // Publishing reads the files it sends from a run's workspace, never through a link.
  [hub]: { may: [shared, fs], packages: ['@huggingface/hub', 'htmlparser2', 'yaml', 'zod'], why: why.adapter },
  [providers]: { may: [shared, core], packages: ['@anthropic-ai/sdk', 'ollama', 'openai', 'zod'], why: why.adapter },
  [sandbox]: {
    may: [shared, core, fs, version],
    packages: ['dockerode', 'proxy-chain', 'tar', 'zod', '@kubernetes/client-node'],
    why: why.adapter,
  },
  [tools]: { may: [shared, core, data, fs, hub, sandbox], packages: ['zod'], why: why.adapter },
  [store]: { may: [shared, core, home, tools], packages: ['better-sqlite3', 'zod'], why: why.adapter },
  [settings]: { may: [shared, home, sandbox], packages: ['zod'], why: why.adapter },
  [mcp]: {
    may: [shared, core, home, settings, store, version],
    packages: ['@modelcontextprotocol/sdk', 'zod'],
    why: why.adapter,
  },
  [specs]: { may: [shared, home, sandbox, store], packages: ['yaml', 'zod'], why: why.adapter },
  // The application.
  [runs]: {
    may: [shared, core, fs, home, hub, mcp, providers, sandbox, settings, specs, store, tools, version],
    why: why.application,
  },
  // The offline task suite, run as ordinary runs.
  [bench]: { may: [shared, core, runs, sandbox, store], packages: ['yaml', 'zod'], why: why.application },
  [api]: {
    may: [shared, bench, home, runs, sandbox, settings, specs, store],
    packages: ['zod'],
    why: why.application,
  },
  // The composition root.
  [app]: { may: [shared, core, api, home, providers, runs, sandbox, settings, store, version], why: why.root },
  // Front ends: Electron (index.ts and its bridge), looplab, and the web bridge looplab serve puts on a port.
  [web]: { may: [shared, api], why: why.frontEnd },
  [electron]: { may: [shared, api, home, settings], packages: ['electron'], why: why.frontEnd },
  [inMain('index.ts')]: { may: [shared, app, electron], packages: ['electron'], why: why.frontEnd },
  [cli]: {
    // `looplab serve` builds the renderer with the project's own vite config when it has no build.
    may: [
      shared,
      core,
      app,
      bench,
      home,
      // `looplab publish` plans and sends a publish as the app's hub_publish does.
      hub,
      // `looplab mcp login` signs in to an MCP server as a run reaches it.
      mcp,
      providers,
      runs,
      sandbox,
      settings,
      specs,
      store,
      version,
      web,
      'electron.vite.config.ts',
    ],
    packages: ['commander', 'dockerode', 'vite', 'zod'],
    why: why.frontEnd,
  },
};

// A part's tests beside it may also use vitest, the fakes and helpers of tests/, and the whole app.
const mainTests = { may: ['tests', app], packages: ['vitest'] };

export const layerRules = [
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...adapterOnly(adapterPackages), { name: 'react', message: 'shared holds no UI.' }],
          patterns: [main, preload, renderer, nodeBuiltins],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: adapterOnly(adapterPackages), patterns: [main, preload, nodeBuiltins] },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: adapterOnly(adapterPackages.filter((name) => name !== 'electron')),
          patterns: [main, renderer, nodeBuiltins, { group: ['zod'], message: 'The preload stays tiny: no zod.' }],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    plugins: { looplab: { rules: { layers: layerRule } } },
    rules: { 'looplab/layers': ['error', { scope: 'src/main/', layers: mainLayers, tests: mainTests }] },
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**', '.electron-native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  ...layerRules,
);
