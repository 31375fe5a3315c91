// Syntax highlighting for code a run shows (fences, commands, written files, JSON arguments), as a
// tree of scoped tokens that components turn into React elements, never into HTML. highlight.js's
// core and each language load only when code in that language is first shown; until then (and for
// any other language) the code shows plain.
import type { HLJSApi, LanguageFn } from 'highlight.js';

/** Longer code is shown plain: highlighting it would hold up the window for text nobody reads whole. */
export const HIGHLIGHT_MAX_CHARS = 100_000;

export type HighlightNode = string | { scope: string; children: HighlightNode[] };

type Loader = () => Promise<{ default: LanguageFn }>;

const languages: Record<string, Loader> = {
  python: () => import('highlight.js/lib/languages/python'),
  bash: () => import('highlight.js/lib/languages/bash'),
  json: () => import('highlight.js/lib/languages/json'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  diff: () => import('highlight.js/lib/languages/diff'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
};

const extensions: Record<string, string> = {
  py: 'python',
  pyi: 'python',
  sh: 'bash',
  bash: 'bash',
  json: 'json',
  jsonl: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  ts: 'typescript',
  tsx: 'typescript',
  js: 'typescript',
  mjs: 'typescript',
  jsx: 'typescript',
  diff: 'diff',
  patch: 'diff',
  md: 'markdown',
};

/** What a fence may say besides a language's own name or a file extension (highlight.js's aliases). */
const fenceAliases: Record<string, string> = {
  ...extensions,
  gyp: 'python',
  ipython: 'python',
  shell: 'bash',
  zsh: 'bash',
  jsonc: 'json',
  json5: 'json',
  cjs: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  mkdown: 'markdown',
  mkd: 'markdown',
};

/** The known language a file's extension names, or undefined for anything else. */
export function languageForPath(path: string): string | undefined {
  const name = path.split('/').at(-1) ?? '';
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? undefined : extensions[name.slice(dot + 1).toLowerCase()];
}

/** The known language a fence's info string names (`py`, `shell`, `ts`…), if any. */
export function languageForFence(info: string): string | undefined {
  const name = info.trim().toLowerCase();
  if (name === '') return undefined;
  return Object.hasOwn(languages, name) ? name : fenceAliases[name];
}

let core: Promise<HLJSApi> | undefined;
const loading = new Map<string, Promise<void>>();
let loaded: HLJSApi | undefined;

/** Loads highlight.js's core and one language; resolves once code in it can be highlighted. */
export function loadLanguage(language: string): Promise<void> {
  const loader = languages[language];
  if (loader === undefined) return Promise.resolve();
  let done = loading.get(language);
  if (done === undefined) {
    core ??= import('highlight.js/lib/core').then((module) => module.default);
    done = Promise.all([core, loader()]).then(([hljs, definition]) => {
      hljs.registerLanguage(language, definition.default);
      loaded = hljs;
    });
    // A chunk that failed to load (a stale build) may be tried again by the next code shown.
    done.catch(() => loading.delete(language));
    loading.set(language, done);
  }
  return done;
}

/** Whether code in `language` would be highlighted now, or needs `loadLanguage` first. */
export function needsLoading(language: string | undefined): boolean {
  return language !== undefined && Object.hasOwn(languages, language) && loaded?.getLanguage(language) === undefined;
}

/**
 * Code split into tokens with their highlight.js scopes (`keyword`, `string`…); plain text when the
 * language is unknown or not loaded yet, or the code too long.
 */
export function highlightCode(code: string, language: string | undefined): HighlightNode[] {
  if (language === undefined || code.length > HIGHLIGHT_MAX_CHARS || loaded?.getLanguage(language) === undefined) {
    return [code];
  }
  return parseHighlighted(loaded.highlight(code, { language, ignoreIllegals: true }).value);
}

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'" };

function unescape(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => entities[entity]!);
}

/**
 * highlight.js escapes all code text and adds only `<span class="…">` and `</span>`, so its output
 * reads back into a tree with one small tokenizer; anything else in it would be a highlight.js bug,
 * and is kept as text.
 */
function parseHighlighted(html: string): HighlightNode[] {
  const root: HighlightNode[] = [];
  const stack: HighlightNode[][] = [root];
  for (const match of html.matchAll(/<span class="([^"]*)">|<\/span>|[^<]+|</g)) {
    const top = stack.at(-1)!;
    if (match[1] !== undefined) {
      const node = { scope: match[1], children: [] };
      top.push(node);
      stack.push(node.children);
    } else if (match[0] === '</span>') {
      if (stack.length > 1) stack.pop();
    } else {
      top.push(unescape(match[0]));
    }
  }
  return root;
}
