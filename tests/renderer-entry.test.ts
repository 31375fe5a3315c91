// The home screen loads only the renderer's entry chunk (and what it imports statically): zod, the
// settings, the graph and the markdown renderer come later, on demand. A shared module that brings zod
// along (a schema beside a constant the start form shows) once grew the home screen's JavaScript by a
// third; this keeps it out. The built UI is the one the global set-up makes for every test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rendererDir } from '../src/main/cli/renderer-build';

/** The entry chunk index.html loads, and the chunks it imports statically. */
export function homeChunks(dir = rendererDir()): Map<string, string> {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const entry = /<script[^>]+src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
  if (entry === undefined) throw new Error(`index.html in ${dir} names no script`);
  const chunks = new Map<string, string>();
  const visit = (file: string) => {
    if (chunks.has(file)) return;
    const text = readFileSync(join(dir, file), 'utf8');
    chunks.set(file, text);
    for (const [, name] of text.matchAll(/import\s*(?:[^'"()]*?from\s*)?["']\.\/([^"']+\.js)["']/g))
      visit(`assets/${name}`);
  };
  visit(entry);
  return chunks;
}

describe('the home screen’s JavaScript', () => {
  it('loads no zod: schemas come with the views that need them', () => {
    const chunks = homeChunks();
    expect(readdirSync(join(rendererDir(), 'assets')).length).toBeGreaterThan(chunks.size + 5);
    const withZod = [...chunks].filter(([, text]) => text.includes('ZodError')).map(([file]) => file);
    expect(withZod).toEqual([]);
  });
});
