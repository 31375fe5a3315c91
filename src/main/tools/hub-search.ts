// Searches the Hugging Face Hub for models, datasets or papers; a few lines per hit.
import { z } from 'zod';
import { defineTool } from '../core/tool';
import { cacheNote, type HubSearch } from '../hub/hub-client';
import { askHub, type HubToolTarget } from './hub-common';

const input = z.object({
  kind: z.enum(['model', 'dataset', 'paper']).describe('What to search for.'),
  query: z
    .string()
    .max(300)
    .describe(
      'Words to search for in names (models, datasets) or titles and abstracts (papers). May include task:<pipeline tag> and library:<name>, e.g. "bert task:text-classification library:transformers".',
    ),
  limit: z.number().int().min(1).max(50).optional().describe('How many hits (default 10).'),
  task: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'a pipeline tag such as text-classification')
    .max(64)
    .optional()
    .describe('Models: only this pipeline tag (text-classification, text-generation…); datasets: this task category.'),
  library: z
    .string()
    .regex(/^[a-z0-9_.-]+$/, 'a library name such as transformers, peft, sentence-transformers')
    .max(64)
    .optional()
    .describe('Models only: only this library (transformers, peft, sentence-transformers, gguf…).'),
  sort: z
    .enum(['downloads', 'likes', 'recent'])
    .optional()
    .describe('Models and datasets: most downloaded (default), most liked, or most recently updated.'),
});
type Input = z.infer<typeof input>;

/** The query's task:/library: words become filters, unless given as fields. */
export function searchRequest(args: Input): HubSearch {
  const words: string[] = [];
  let task = args.task;
  let library = args.library;
  for (const word of args.query.split(/\s+/).filter((part) => part !== '')) {
    const match = /^(task|library):([A-Za-z0-9_.-]+)$/.exec(word);
    if (match?.[1] === 'task') task ??= match[2]!.toLowerCase();
    else if (match?.[1] === 'library') library ??= match[2]!.toLowerCase();
    else words.push(word);
  }
  return {
    kind: args.kind,
    query: words.join(' '),
    limit: args.limit ?? 10,
    ...(task === undefined ? {} : { task }),
    ...(library === undefined || args.kind !== 'model' ? {} : { library }),
    ...(args.sort === undefined || args.kind === 'paper' ? {} : { sort: args.sort }),
  };
}

export function hubSearchTool(target: HubToolTarget) {
  return defineTool({
    name: 'hub_search',
    description: [
      'Search the Hugging Face Hub for models, datasets or papers. Each hit is one or two lines: id, task, library, downloads, likes, last update, gated; papers give their arXiv id, title, date, authors and the start of the abstract.',
      'Follow up with hub_info for the details of one hit. Answers asked before still come (from a cache, marked as such) when the Hub cannot be reached.',
    ].join(' '),
    input,
    risk: 'read',
    summarize: (args) => {
      const request = searchRequest(args);
      return `search the Hub for ${request.kind}s: ${request.query}${request.task === undefined ? '' : ` (task ${request.task})`}`;
    },
    run: async (args, ctx) => {
      const request = searchRequest(args);
      if (request.query === '' && request.kind === 'paper') {
        return { output: 'Give words to search paper titles and abstracts for.', isError: true };
      }
      const answer = await askHub(() => target.client.search(request, ctx.signal));
      return { output: cacheNote(answer) };
    },
  });
}
