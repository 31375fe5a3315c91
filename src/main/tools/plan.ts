// The plan: the agent's todo list, shown to the person and kept current by the agent.
import { z } from 'zod';
import { defineTool } from '../core/tool';

const input = z.object({
  items: z
    .array(z.object({ text: z.string().min(1).max(300), status: z.enum(['pending', 'in_progress', 'done']) }))
    .max(50)
    .describe('The whole plan, in order; at most one item in_progress.'),
});

export const planTool = defineTool({
  name: 'plan',
  description:
    'Replace the plan (the todo list the person sees) with these items. Use it for any task of more than a few steps and keep it current as you go.',
  input,
  risk: 'read',
  summarize: ({ items }) => `plan with ${items.length} items`,
  run: async ({ items }, ctx) => {
    ctx.setPlan(items);
    const lines = items.map(
      (item) => `[${item.status === 'done' ? 'x' : item.status === 'in_progress' ? '~' : ' '}] ${item.text}`,
    );
    return { output: `Plan updated:\n${lines.join('\n')}` };
  },
});
