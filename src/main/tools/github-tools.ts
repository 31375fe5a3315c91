// Example code from GitHub: github_search (code search, needs a token) and github_read (a file or a
// folder of a repo). They run in the app, not the sandbox, and reach beyond the machine to a service of
// the person's choosing, so they are `network` risk: approval rules decide whether each call asks.
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../core/tool';
import { cacheNote } from '../hub/hub-client';
import type { GitHubClient } from '../hub/github-client';
import { askHub } from './hub-common';

const githubRepo = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/, 'a repo such as "huggingface/peft"')
  .refine((repo) => !repo.includes('..'), 'a repo has no ".."');

const searchInput = z.object({
  query: z
    .string()
    .min(1)
    .max(200)
    .describe('Words or an identifier to find in code, e.g. "lora_alpha target_modules".'),
  language: z
    .string()
    .regex(/^[A-Za-z0-9+#._-]+$/, 'a language such as python')
    .max(40)
    .optional()
    .describe('Only files in this language (python, jupyter-notebook, yaml…).'),
  repo: githubRepo.optional().describe('Only this repo, "owner/name".'),
  limit: z.number().int().min(1).max(30).optional().describe('How many hits (default 10).'),
});

const readInput = z.object({
  repo: githubRepo.describe('The repo, "owner/name".'),
  path: z
    .string()
    .max(1024)
    .refine((path) => !path.startsWith('/') && path.split('/').every((part) => part !== '..'), 'a path inside the repo')
    .describe('A file or folder in the repo, e.g. "examples/train.py"; "" for its top folder.'),
  ref: z.string().min(1).max(200).optional().describe('A branch, tag or commit (default: the repo’s default branch).'),
  from_line: z.number().int().min(1).optional().describe('The first line to show, to read past a cut (default 1).'),
});

export function githubSearchTool(client: GitHubClient) {
  return defineTool({
    name: 'github_search',
    description: [
      'Search code on GitHub for examples (a training script, a config, how an API is called): each hit is its repo, path and link with the matching lines.',
      'Needs a GitHub token. Follow up with github_read. Answers asked before come from a cache when GitHub cannot be reached.',
    ].join(' '),
    input: searchInput,
    risk: 'network',
    summarize: ({ query, language, repo }) =>
      `search GitHub code: ${query}${language === undefined ? '' : ` (${language})`}${repo === undefined ? '' : ` in ${repo}`}`,
    run: async ({ limit, ...args }, ctx) => {
      const answer = await askHub(async () => client.search({ ...args, limit: limit ?? 10 }, ctx.signal));
      return { output: cacheNote(answer) };
    },
  });
}

export function githubReadTool(client: GitHubClient) {
  return defineTool({
    name: 'github_read',
    description: [
      'Read a file of a GitHub repo (its text, cut to about 12,000 characters; from_line reads on), or list a folder’s entries.',
      'Public repos need no token. Answers asked before come from a cache when GitHub cannot be reached.',
    ].join(' '),
    input: readInput,
    risk: 'network',
    summarize: ({ repo, path, ref }) => `read GitHub ${repo}: ${path || '/'}${ref === undefined ? '' : ` at ${ref}`}`,
    run: async ({ from_line: fromLine, ...request }, ctx) => {
      const answer = await askHub(async () => client.read({ ...request, fromLine }, ctx.signal));
      return { output: cacheNote(answer) };
    },
  });
}

export function createGitHubTools(client: GitHubClient): ToolDefinition[] {
  return [githubSearchTool(client), githubReadTool(client)];
}
