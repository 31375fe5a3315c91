// The details of one model, dataset or paper on the Hugging Face Hub.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { cacheNote } from '../hub/hub-client';
import type { PaperReader } from '../hub/paper-reader';
import { sectionsLine } from '../hub/paper-text';
import { askHub, repoIdInput, type HubToolTarget } from './hub-common';

const input = z.object({
  kind: z.enum(['model', 'dataset', 'paper']),
  id: z
    .string()
    .min(1)
    .max(200)
    .describe('A repo id ("owner/name") for models and datasets; an arXiv id ("2106.09685") for papers.'),
});

/** The sections of a paper's HTML rendering on arXiv, or why there are none to list. */
async function paperSections(papers: PaperReader, id: string, signal: AbortSignal): Promise<string> {
  try {
    const read = await papers.read(id, signal);
    if (read.paper === undefined) return 'sections: arXiv has no HTML rendering of it (paper_read gives the abstract)';
    return `${sectionsLine(read.paper)}${read.cached === undefined ? '' : ' (from the cache)'} — paper_read reads them`;
  } catch (error) {
    if (signal.aborted) throw error;
    return `sections: not known (${error instanceof Error ? error.message : String(error)})`;
  }
}

const paperId = z.string().regex(/^\d{4}\.\d{4,5}$/, 'an arXiv id such as 2106.09685');

export function hubInfoTool(target: HubToolTarget) {
  return defineTool({
    name: 'hub_info',
    description: [
      'Details of one Hugging Face Hub entry.',
      'Model: its card summary, task, library, license, whether it is gated, its lineage (base models), the parameter count and its files with sizes.',
      'Dataset: its card summary, license, gated, configs and splits with row counts and sizes where the card gives them, features, and its files.',
      'Paper: title, authors, date, abstract, the models and datasets on the Hub citing it, and its sections (for paper_read).',
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
      if (kind !== 'paper' || target.papers === undefined) return { output: cacheNote(answer) };
      return { output: `${cacheNote(answer)}\n${await paperSections(target.papers, id, ctx.signal)}` };
    },
  });
}
