// Inspects a data file or folder of the workspace, computed here by streaming the file (never by the
// model): schema, rows, a sample, statistics per column, label balance, duplicates, malformed rows,
// and whether it fits a training method's format. The file or folder is opened once, without following
// a link in any component (fs/open-inside.ts), and read through that descriptor.
import { readSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { formatBytes } from '../../shared/format';
import { defineTool } from '../core/tool';
import { folderText, tableText } from '../data/data-report';
import { inspectFolder } from '../data/inspect-folder';
import { inspectTable, type TableKind } from '../data/inspect-table';
import { InsideError, openFileInside, openFolderInside, type OpenedFile } from '../fs/open-inside';
import { FolderWorkspace, workspaceError } from './folder-workspace';

const columnName = z.string().min(1).max(200);

const input = z.object({
  path: z.string().min(1).max(1024).describe('A file (CSV, TSV, JSON Lines) or a folder, relative to the workspace.'),
  method: z
    .enum(['sft', 'dpo', 'classification'])
    .optional()
    .describe(
      'Check the format for a training method: sft (messages, text, or prompt + completion), dpo (prompt, chosen, rejected), classification (text + label).',
    ),
  textColumn: columnName.optional().describe('Classification: the text column (default "text").'),
  labelColumn: columnName.optional().describe('The label column for the balance and the check (default "label").'),
});

const PARQUET_ADVICE =
  'data_inspect reads CSV, TSV and JSON Lines, not Parquet. Inspect it in the sandbox with a script, e.g. python3 -c "import pandas as pd; df = pd.read_parquet(\'FILE\'); print(df.dtypes); print(len(df)); print(df.head())" (pandas needs pyarrow for Parquet), or write it out as JSON Lines and inspect that.';

/** The table kind of a file, from its extension (and for .json, its first character). */
function tableKind(name: string, file: OpenedFile): TableKind | 'parquet' | 'json-array' | undefined {
  const extension = extname(name).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.tsv' || extension === '.tab') return 'tsv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.parquet') return 'parquet';
  if (extension !== '.json') return undefined;
  const buffer = Buffer.alloc(4096);
  const bytesRead = readSync(file.fd, buffer, 0, buffer.length, 0);
  const first = buffer.subarray(0, bytesRead).toString('utf8').trimStart().charAt(0);
  return first === '[' ? 'json-array' : 'jsonl';
}

/** The file opened to read, or undefined when the path is a folder. */
function openTable(root: string, inside: string, path: string): OpenedFile | undefined {
  if (inside === '') return undefined;
  try {
    return openFileInside(root, inside, 'read');
  } catch (error) {
    if (error instanceof InsideError && error.code === 'EISDIR') return undefined;
    throw workspaceError(error, path);
  }
}

export function dataInspectTool(workspaceFolder: string) {
  return defineTool({
    name: 'data_inspect',
    description: [
      'Inspect a dataset in the workspace before using it: a CSV, TSV or JSON Lines file (columns and their types, row count, the first rows, per column the missing values, distinct counts, numeric min/max/mean and text lengths, the label balance, exact duplicate rows, malformed rows with line numbers), or a folder (files by extension and by subfolder, sizes, some names).',
      'With method (sft, dpo, classification) it also checks the rows have the fields that method needs and names the first rows that do not.',
      'The whole file is read, however large; nothing is guessed.',
    ].join(' '),
    input,
    risk: 'read',
    summarize: ({ path, method }) => `inspect ${path}${method === undefined ? '' : ` for ${method}`}`,
    run: async ({ path, method, textColumn, labelColumn }, ctx) => {
      const inside = await new FolderWorkspace(workspaceFolder).insidePath(path);
      const shown = path.replace(/\/+$/, '');
      const file = openTable(workspaceFolder, inside, path);
      if (file === undefined) {
        const note =
          method === undefined ? '' : `\nThe format check for ${method} needs a file: inspect one of the files.`;
        const folder = (() => {
          try {
            return openFolderInside(workspaceFolder, inside);
          } catch (error) {
            throw workspaceError(error, path);
          }
        })();
        try {
          return { output: folderText(shown, await inspectFolder(folder, ctx.signal)) + note };
        } finally {
          folder.close();
        }
      }
      return inspectFile(file, inside, shown, { method, textColumn, labelColumn }, ctx.signal);
    },
  });
}

/** Inspects an open file and closes it. */
async function inspectFile(
  file: OpenedFile,
  inside: string,
  shown: string,
  { method, textColumn, labelColumn }: Pick<z.infer<typeof input>, 'method' | 'textColumn' | 'labelColumn'>,
  signal: AbortSignal,
): Promise<{ output: string; isError?: boolean }> {
  let kind: ReturnType<typeof tableKind>;
  try {
    kind = tableKind(inside, file);
  } catch (error) {
    file.close();
    throw error;
  }
  // inspectTable reads and closes a table; anything else is closed here.
  if (kind !== 'csv' && kind !== 'tsv' && kind !== 'jsonl') file.close();
  if (kind === 'parquet')
    return {
      output: `${shown} (Parquet, ${formatBytes(file.size)}): ${PARQUET_ADVICE.replace('FILE', shown)}`,
      isError: true,
    };
  if (kind === 'json-array')
    return {
      output: `${shown} holds one JSON array, which cannot be read as a stream. Write it as JSON Lines (one object per line, .jsonl) and inspect that.`,
      isError: true,
    };
  if (kind === undefined)
    return {
      output: `${shown} is not a table data_inspect reads (CSV, TSV, JSON Lines) nor a folder; use read for text files.`,
      isError: true,
    };
  const format = method === undefined ? undefined : { method, textColumn, labelColumn };
  const report = await inspectTable(file.fd, kind, format, signal);
  return { output: tableText(shown, file.size, report, labelColumn) };
}
