// The details of one model, dataset or paper on the Hugging Face Hub.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { cacheNote } from '../hub/hub-client';
import { askHub, repoIdInput, type HubToolTarget } from './hub-common';

const input = z.object({
  kind: z.enum(['model', 'dataset', 'paper']),
  id: z
    .string()
    .min(1)
    .max(200)
    .describe('A repo id ("owner/name") for models and datasets; an arXiv id ("2106.09685") for papers.'),
});

const paperId = z.string().regex(/^\d{4}\.\d{4,5}$/, 'an arXiv id such as 2106.09685');

export function hubInfoTool(target: HubToolTarget) {
  return defineTool({
    name: 'hub_info',
    description: [
      'Details of one Hugging Face Hub entry.',
      'Model: its card summary, task, library, license, whether it is gated, the parameter count and its files with sizes.',
      'Dataset: its card summary, license, gated, configs and splits with row counts and sizes where the card gives them, features, and its files.',
      'Paper: title, authors, date and abstract.',
    ].join(' '),
    input,
    risk: 'read',
    summarize: ({ kind, id }) => `Hub ${kind} ${id}`,
    run: async ({ kind, id }, ctx) => {
      const checked = (kind === 'paper' ? paperId : repoIdInput).safeParse(id);
      if (!checked.success) {
        return {
          output: `Invalid id "${id}" for a ${kind}: expected ${checked.error.issues[0]?.message}.`,
          isError: true,
        };
      }
      const answer = await askHub(() => target.client.info(kind, id, ctx.signal));
      return { output: cacheNote(answer) };
    },
  });
}
