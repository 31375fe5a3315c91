// Reads a text file of the workspace, by lines, numbered so the model can cite and edit them.
import { z } from 'zod';
import { defineTool } from '../core/tool';

const input = z.object({
  path: z.string().min(1).max(1024).describe('Path relative to the workspace.'),
  offset: z.number().int().min(1).optional().describe('First line to read, from 1.'),
  limit: z.number().int().min(1).max(5000).optional().describe('How many lines to read (default 500).'),
});

export const readTool = defineTool({
  name: 'read',
  description: 'Read a text file in the workspace. Lines come numbered; use offset and limit for long files.',
  input,
  risk: 'read',
  summarize: ({ path }) => `read ${path}`,
  run: async ({ path, offset = 1, limit = 500 }, ctx) => {
    const text = await ctx.workspace.readFile(path);
    const lines = text.split('\n');
    const slice = lines.slice(offset - 1, offset - 1 + limit);
    const numbered = slice.map((line, index) => `${String(offset + index).padStart(6)}  ${line}`).join('\n');
    const more =
      offset - 1 + limit < lines.length
        ? `\n[… ${lines.length - (offset - 1 + limit)} more lines: read with offset ${offset + limit}]`
        : '';
    return {
      output: slice.length === 0 ? `${path} has ${lines.length} lines; nothing at line ${offset}.` : numbered + more,
    };
  },
});
