// Inspects a data file or folder of the workspace, computed here by streaming the file (never by the
// model): schema, rows, a sample, statistics per column, label balance, duplicates, malformed rows,
// and whether it fits a training method's format.
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { z } from 'zod';
import { formatBytes } from '../../shared/format';
import { defineTool, WorkspaceError } from '../core/tool';
import { folderText, tableText } from '../data/data-report';
import { inspectFolder } from '../data/inspect-folder';
import { inspectTable, type TableKind } from '../data/inspect-table';
import { FolderWorkspace } from './folder-workspace';

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
async function tableKind(file: string): Promise<TableKind | 'parquet' | 'json-array' | undefined> {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.tsv' || extension === '.tab') return 'tsv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.parquet') return 'parquet';
  if (extension !== '.json') return undefined;
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const first = buffer.subarray(0, bytesRead).toString('utf8').trimStart().charAt(0);
    return first === '[' ? 'json-array' : 'jsonl';
  } finally {
    await handle.close();
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
      const target = await new FolderWorkspace(workspaceFolder).resolvePath(path);
      const info = await stat(target).catch(() => undefined);
      if (info === undefined) throw new WorkspaceError(`${path} does not exist.`);
      const shown = path.replace(/\/+$/, '');
      if (info.isDirectory()) {
        const note =
          method === undefined ? '' : `\nThe format check for ${method} needs a file: inspect one of the files.`;
        return { output: folderText(shown, await inspectFolder(target, ctx.signal)) + note };
      }
      const kind = await tableKind(target);
      if (kind === 'parquet')
        return {
          output: `${shown} (Parquet, ${formatBytes(info.size)}): ${PARQUET_ADVICE.replace('FILE', shown)}`,
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
      const report = await inspectTable(target, kind, format, ctx.signal);
      return { output: tableText(shown, info.size, report, labelColumn) };
    },
  });
}
