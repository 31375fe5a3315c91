// Lint rules, including the layer direction of docs/ARCHITECTURE.md:
// shared ← main/core ← main adapters (store, web, api, ...) ← hosts (electron, cli); renderer and preload
// see only shared.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = { group: ['node:*'], message: 'This layer runs outside Node: no node: modules.' };
const main = { group: ['**/main/**', '**/main'], message: 'Only the main process imports from src/main.' };
const preload = { group: ['**/preload/**', '**/preload'], message: 'Nothing imports the preload.' };
const renderer = { group: ['**/renderer/**'], message: 'Only the renderer imports from src/renderer.' };
const hostOnly = (names) => names.map((name) => ({ name, message: `${name} belongs to the main process adapters.` }));
const adapterPackages = [
  'electron',
  'better-sqlite3',
  'dockerode',
  'ollama',
  'openai',
  '@anthropic-ai/sdk',
  '@huggingface/hub',
];

export const layerRules = [
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...hostOnly(adapterPackages), { name: 'react', message: 'shared holds no UI.' }],
          patterns: [main, preload, renderer, nodeBuiltins],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: hostOnly(adapterPackages), patterns: [main, preload, nodeBuiltins] }],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: hostOnly(adapterPackages.filter((name) => name !== 'electron')),
          patterns: [main, renderer, nodeBuiltins, { group: ['zod'], message: 'The preload stays tiny: no zod.' }],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: hostOnly(adapterPackages),
          patterns: [
            preload,
            renderer,
            {
              group: ['**/store/**', '**/store', '**/web/**', '**/cli/**', '**/electron/**', '**/api/**'],
              message: 'core depends on interfaces it declares, never on an adapter or a host.',
            },
            {
              group: ['**/providers/**', '**/tools/**', '**/sandbox/**', '**/hub/**', '**/data/**', '**/main/fs/**'],
              message: 'core depends on interfaces it declares, never on an adapter or a host.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/{store,api,web,providers,tools,sandbox,hub,data,settings,mcp,fs}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            preload,
            renderer,
            { group: ['**/cli/**', '**/electron/**', '**/main/index'], message: 'Adapters never import a host.' },
          ],
        },
      ],
    },
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
