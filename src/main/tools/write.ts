// Writes a whole file in the workspace, creating folders as needed.
import { z } from 'zod';
import { defineTool } from '../core/tool';

const input = z.object({
  path: z.string().min(1).max(1024).describe('Path relative to the workspace.'),
  content: z.string().describe('The whole new content of the file.'),
});

export const writeTool = defineTool({
  name: 'write',
  description:
    'Write a file in the workspace (replacing it if it exists). Prefer edit for small changes to an existing file.',
  input,
  risk: 'write',
  summarize: ({ path, content }) => `write ${path} (${Buffer.byteLength(content)} bytes)\n${content}`,
  run: async ({ path, content }, ctx) => {
    await ctx.workspace.writeFile(path, content);
    return { output: `Wrote ${path} (${Buffer.byteLength(content)} bytes, ${content.split('\n').length} lines).` };
  },
});
