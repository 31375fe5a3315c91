// Replaces text in a workspace file: old_str must appear exactly once unless replace_all is set.
import { z } from 'zod';
import { defineTool, WorkspaceError } from '../core/tool';

const input = z.object({
  path: z.string().min(1).max(1024).describe('Path relative to the workspace.'),
  old_str: z.string().min(1).describe('The exact text to replace, with enough context to be unique.'),
  new_str: z.string().describe('The replacement text.'),
  replace_all: z.boolean().optional().describe('Replace every occurrence instead of exactly one.'),
});

function occurrences(text: string, search: string): number {
  let count = 0;
  for (let at = text.indexOf(search); at !== -1; at = text.indexOf(search, at + search.length)) count++;
  return count;
}

export const editTool = defineTool({
  name: 'edit',
  description:
    'Replace old_str with new_str in a workspace file. old_str must match exactly once, unless replace_all is true.',
  input,
  risk: 'write',
  summarize: ({ path, old_str, new_str }) =>
    `edit ${path}\n- ${old_str.split('\n').join('\n- ')}\n+ ${new_str.split('\n').join('\n+ ')}`,
  run: async ({ path, old_str, new_str, replace_all = false }, ctx) => {
    const text = await ctx.workspace.readFile(path);
    const count = occurrences(text, old_str);
    if (count === 0)
      throw new WorkspaceError(
        `old_str was not found in ${path}. Read the file and copy the text exactly, including whitespace.`,
      );
    if (count > 1 && !replace_all) {
      throw new WorkspaceError(
        `old_str appears ${count} times in ${path}. Add surrounding lines to make it unique, or set replace_all.`,
      );
    }
    await ctx.workspace.writeFile(
      path,
      replace_all ? text.split(old_str).join(new_str) : text.replace(old_str, () => new_str),
    );
    return {
      output: `Edited ${path}: replaced ${replace_all ? count : 1} occurrence${count > 1 && replace_all ? 's' : ''}.`,
    };
  },
});
