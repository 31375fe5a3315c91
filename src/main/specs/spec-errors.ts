// Where in a spec file a problem is: every error names the file, the line and column, and the field,
// as `file:line:col field: message`, for `spec check` and `run --spec` alike.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { AppError } from '../../shared/errors';

export interface Located {
  line: number;
  col: number;
}

export function nodeAt(doc: Document, path: readonly PropertyKey[]): { node: Node | undefined; key: Node | undefined } {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
      if (pair === undefined) return { node: node as Node, key: undefined };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return { node: node as Node, key };
      node = item;
      key = undefined;
    } else {
      break;
    }
  }
  return { node: (node ?? undefined) as Node | undefined, key };
}

export function position(lines: LineCounter, node: Node | undefined): Located {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

export function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0
    ? '(top level)'
    : path
        .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`))
        .join('');
}

export function specError(file: string, problems: string[]): AppError {
  const shown = problems.slice(0, 20);
  const more = problems.length > shown.length ? `\n  … and ${problems.length - shown.length} more` : '';
  return new AppError(
    'invalid_input',
    `The loop spec ${file} has ${problems.length === 1 ? 'an error' : `${problems.length} errors`}:\n  ${shown.join('\n  ')}${more}`,
    'Fix the spec and run it again (the format is in docs/LOOP-SPECS.md).',
  );
}

/** `file:line:col field` of a field of a spec file (1:1 when the file cannot be read again). */
export function locate(file: string, path: readonly PropertyKey[]): string {
  let where: Located = { line: 1, col: 1 };
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
    where = position(lines, nodeAt(doc, path).node);
  } catch {
    // The file changed or went away since it was read: the field's name still says where.
  }
  return `${basename(file)}:${where.line}:${where.col} ${fieldName(path)}`;
}
