// The layer rule of docs/ARCHITECTURE.md as an allow-list: each part of the main process (a folder of
// src/main, or one of its top files) names the parts and the npm packages it may import; anything else
// is an error, and so is a file in a part the list does not name. Node's own modules (node:*) are the
// main process's to use everywhere. Parts are written as paths from the repository root; an entry may
// also name one file of another part.
import { dirname, relative, resolve, sep } from 'node:path';

const CODE_EXTENSION = /\.(ts|tsx|js|mjs|cjs)$/;

/** A path from the repository root, with `/` and without a code file's extension. */
function repoPath(cwd, absolute) {
  return relative(cwd, absolute).split(sep).join('/').replace(CODE_EXTENSION, '');
}

/**
 * The part a path belongs to: `src/main/<folder or top file>`, `src/<folder>`, or the first segment of a
 * path outside src (`tests`, `electron.vite.config`). A top file's tests belong to the file.
 */
function partOf(path) {
  const segments = path.split('/');
  if (segments[0] === 'src' && segments[1] === 'main' && segments.length > 2) {
    return `src/main/${segments[2].replace(/\.test$/, '')}`;
  }
  if (segments[0] === 'src' && segments.length > 1) return `src/${segments[1]}`;
  return segments[0];
}

/** The npm package a bare specifier names: `@scope/name` or `name`, without a path inside it. */
function packageOf(specifier) {
  const segments = specifier.split('/');
  return specifier.startsWith('@') ? segments.slice(0, 2).join('/') : segments[0];
}

const stripped = (entry) => entry.replace(CODE_EXTENSION, '');

export const layerRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each part of the main process imports only what its entry in the layer map allows.' },
    schema: [
      {
        type: 'object',
        properties: {
          /** Which files the map covers, as the start of their path (`src/main/`). */
          scope: { type: 'string' },
          layers: { type: 'object' },
          /** What a part's tests may import besides what the part may. */
          tests: { type: 'object' },
        },
        required: ['scope', 'layers'],
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { scope, layers, tests = {} } = context.options[0];
    const cwd = context.cwd;
    const file = repoPath(cwd, context.filename);
    if (!file.startsWith(scope)) return {};
    const part = partOf(file);
    const entry = Object.entries(layers).find(([name]) => stripped(name) === part)?.[1];
    const isTest = /\.test\.tsx?$/.test(context.filename);
    if (entry === undefined) {
      return {
        Program(node) {
          context.report({
            node,
            message: `${part} is not in the layer map of eslint.config.js: name what it may import there.`,
          });
        },
      };
    }
    const parts = new Set([part, ...entry.may, ...(isTest ? (tests.may ?? []) : [])].map(stripped));
    const packages = new Set([...(entry.packages ?? []), ...(isTest ? (tests.packages ?? []) : [])]);

    function check(node, specifier) {
      if (typeof specifier !== 'string') return;
      if (specifier.startsWith('.')) {
        const target = repoPath(cwd, resolve(dirname(context.filename), specifier));
        if (parts.has(partOf(target)) || parts.has(target)) return;
        context.report({ node, message: `${part} may not import ${partOf(target)}. ${entry.why}` });
        return;
      }
      if (specifier.startsWith('node:') || packages.has(packageOf(specifier))) return;
      context.report({ node, message: `${part} may not import the package ${packageOf(specifier)}. ${entry.why}` });
    }

    const fromSource = (node) => {
      if (node.source !== null && node.source !== undefined) check(node.source, node.source.value);
    };
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
      },
    };
  },
};
