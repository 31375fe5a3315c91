// A paper's full text by sections, from arXiv's HTML rendering; a paper without one gives its abstract
// from the Hub instead.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { cacheNote } from '../hub/hub-client';
import { paperReadText } from '../hub/paper-text';
import { askHub, type HubToolTarget } from './hub-common';

export const arxivId = z
  .string()
  .regex(/^\d{4}\.\d{4,5}(v\d+)?$/, 'an arXiv id such as 2106.09685 (or 2106.09685v2 for one version)');

const input = z.object({
  id: arxivId.describe('The arXiv id, e.g. "2106.09685"; hub_search with kind paper finds ids.'),
  section: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'One section with its subsections: its number ("3", "3.1", "Appendix A") or words of its heading ("method"). Default: the paper from the start.',
    ),
});

export function paperReadTool(target: Required<Pick<HubToolTarget, 'client' | 'papers'>>) {
  return defineTool({
    name: 'paper_read',
    description: [
      'Read a paper’s full text, by sections, from arXiv’s HTML rendering: the list of its sections, then the text (formulas as TeX) cut to about 12,000 characters, with a note naming what was cut.',
      'Ask for one section (its number or words of its heading) to read past the cut.',
      'A paper without an HTML rendering gives its abstract from the Hub. Papers read before are answered from a cache when arXiv cannot be reached.',
    ].join(' '),
    input,
    risk: 'read',
    summarize: ({ id, section }) => `read paper ${id}${section === undefined ? '' : ` (section ${section})`}`,
    run: async ({ id, section }, ctx) => {
      const read = await askHub(() => target.papers.read(id, ctx.signal));
      if (read.paper === undefined) {
        const abstract = await askHub(() => target.client.info('paper', id.replace(/v\d+$/, ''), ctx.signal));
        const note = `Paper ${id} has no HTML rendering on arXiv (only its PDF${section === undefined ? '' : ', so no sections'}); its abstract from the Hub:`;
        return { output: `${note}\n${cacheNote(abstract)}` };
      }
      const { text, found } = paperReadText(id, target.papers.page(id), read.paper, section);
      return {
        output: cacheNote({ text, ...(read.cached === undefined ? {} : { cached: read.cached }) }),
        isError: !found,
      };
    },
  });
}
