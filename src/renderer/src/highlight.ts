// Syntax highlighting for code a run shows (fences, commands, written files, JSON arguments), as a
// tree of scoped tokens that components turn into React elements, never into HTML. highlight.js's
// core carries only the languages registered here, not its full bundle.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import diff from 'highlight.js/lib/languages/diff';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import yaml from 'highlight.js/lib/languages/yaml';

hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);
hljs.registerLanguage('yaml', yaml);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('diff', diff);
hljs.registerLanguage('markdown', markdown);

/** Longer code is shown plain: highlighting it would hold up the window for text nobody reads whole. */
export const HIGHLIGHT_MAX_CHARS = 100_000;

export type HighlightNode = string | { scope: string; children: HighlightNode[] };

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

/** The registered language a file's extension names, or undefined for anything else. */
export function languageForPath(path: string): string | undefined {
  const name = path.split('/').at(-1) ?? '';
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? undefined : extensions[name.slice(dot + 1).toLowerCase()];
}

/** The registered language a fence's info string names (`py`, `shell`, `ts`…), if any. */
export function languageForFence(info: string): string | undefined {
  const name = info.trim().toLowerCase();
  if (name === '') return undefined;
  return hljs.getLanguage(name) === undefined ? extensions[name] : name;
}

/**
 * Code split into tokens with their highlight.js scopes (`keyword`, `string`…); plain text when the
 * language is unknown or the code too long.
 */
export function highlightCode(code: string, language: string | undefined): HighlightNode[] {
  if (language === undefined || code.length > HIGHLIGHT_MAX_CHARS || hljs.getLanguage(language) === undefined) {
    return [code];
  }
  return parseHighlighted(hljs.highlight(code, { language, ignoreIllegals: true }).value);
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
