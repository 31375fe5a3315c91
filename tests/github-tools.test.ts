// github_search and github_read through fetch against a fake GitHub REST API on 127.0.0.1: code search
// with its qualifiers and text matches, files raw and folders listed, and what the model reads without a
// token, with a refused token, on a spent rate limit, on a wrong answer shape and offline (the cache).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../src/main/core/tool';
import { decideApproval } from '../src/main/core/approvals';
import { GitHubClient } from '../src/main/hub/github-client';
import { githubEndpoint } from '../src/main/hub/github-endpoint';
import { createGitHubTools } from '../src/main/tools/github-tools';
import { startGitHubServer, type FakeGitHub, type FakeGitHubRepo } from './fakes/github-server';
import { callTool as call, toolSet } from './helpers/app-tool-call';

const TRAIN = [
  'from peft import LoraConfig, get_peft_model',
  '',
  'config = LoraConfig(',
  '    r=8,',
  '    lora_alpha=16,',
  '    target_modules=["q_proj", "v_proj"],',
  ')',
  'model = get_peft_model(model, config)',
].join('\n');

const repos: FakeGitHubRepo[] = [
  {
    fullName: 'huggingface/peft',
    refs: {
      main: {
        'examples/lora/train.py': TRAIN,
        'examples/lora/README.md': 'Train with lora_alpha=16 and r=8.',
        'examples/lora/config.yaml': 'lora_alpha: 32\n',
        'src/peft/long.py': Array.from({ length: 2000 }, (_, index) => `line_${index + 1} = ${index + 1}`).join('\n'),
      },
      'v0.1.0': { 'examples/lora/train.py': 'config = LoraConfig(r=4)\n' },
    },
  },
  { fullName: 'acme/other', refs: { main: { 'train.py': 'lora_alpha = 64\n' } } },
];

const TOKEN = 'ghp_fakeToken1234';
let github: FakeGitHub;
let root: string;

beforeAll(async () => {
  github = await startGitHubServer({ repos, tokens: [TOKEN] });
});

afterAll(async () => {
  await github.close();
});

afterEach(() => {
  github.rateLimitReset = undefined;
  github.replaceWith = undefined;
  github.requests.length = 0;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function tools(
  options: { token?: string | undefined; url?: string } = { token: TOKEN },
): Record<string, ToolDefinition> {
  root = mkdtempSync(join(tmpdir(), 'looplab-github-'));
  const client = new GitHubClient({ url: options.url ?? github.url, token: options.token }, join(root, 'cache'), 5_000);
  return toolSet(createGitHubTools(client));
}

describe('github_search', () => {
  it('finds code with the language and repo qualifiers, each hit with its link and matching lines', async () => {
    const output = await call(tools(), 'github_search', {
      query: 'lora_alpha',
      language: 'python',
      repo: 'huggingface/peft',
    });
    expect(output).toBe(
      [
        '1 code hits for "lora_alpha language:python repo:huggingface/peft":',
        `1. huggingface/peft: examples/lora/train.py  https://github.com/huggingface/peft/blob/${'b'.repeat(40)}/examples/lora/train.py`,
        '   r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"],',
        'github_read reads a file: its repo and path.',
      ].join('\n'),
    );
    const [request] = github.requests;
    expect(request!.path).toBe('/search/code?q=lora_alpha%20language%3Apython%20repo%3Ahuggingface%2Fpeft&per_page=10');
    expect(request!.headers.accept).toBe('application/vnd.github.text-match+json');
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('says where to set a token when there is none, without asking GitHub', async () => {
    expect(await call(tools({ token: undefined }), 'github_search', { query: 'lora_alpha' })).toBe(
      'error: GitHub’s code search needs a token, and none is set.\nTo search code, set GITHUB_TOKEN, or save a GitHub token in Settings → Model providers → GitHub. github_read reads public repos without one.',
    );
    expect(github.requests).toEqual([]);
  });

  it('says a refused token was refused, and names the reset time of a spent rate limit', async () => {
    expect(await call(tools({ token: 'ghp_revoked' }), 'github_search', { query: 'lora_alpha' })).toBe(
      'error: GitHub refused the token (Bad credentials).\nCheck the token: set GITHUB_TOKEN, or save a GitHub token in Settings → Model providers → GitHub.',
    );
    const reset = Math.floor(Date.now() / 1000) + 600;
    github.rateLimitReset = reset;
    const output = await call(tools(), 'github_search', { query: 'lora_alpha' });
    expect(output).toMatch(
      /^error: GitHub's rate limit is spent: it resets at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in (10|11) min\)\.\n/,
    );
    expect(output).toContain(new Date(reset * 1000).toTimeString().slice(0, 8));
  });

  it('says GitHub answered something unexpected when the answer is not code search’s shape', async () => {
    github.replaceWith = { total_count: 1, items: 'not a list' };
    expect(await call(tools(), 'github_search', { query: 'lora_alpha' })).toBe(
      `error: GitHub at ${github.url} answered something unexpected for the code search "lora_alpha" (items: Invalid input: expected array, received string).\nCheck the network connection, or the GitHub API URL (GITHUB_API_URL, or Settings) for GitHub Enterprise; answers asked before come from the cache.`,
    );
  });
});

describe('github_read', () => {
  it('reads a file raw, at a ref, and lists a folder’s entries', async () => {
    const set = tools({ token: undefined });
    expect(await call(set, 'github_read', { repo: 'huggingface/peft', path: 'examples/lora/train.py' })).toBe(
      `file huggingface/peft: examples/lora/train.py (8 lines, ${Buffer.byteLength(TRAIN)} B)\n${TRAIN}`,
    );
    expect(github.requests[0]!.headers.accept).toBe('application/vnd.github.raw+json');
    expect(
      await call(set, 'github_read', { repo: 'huggingface/peft', path: 'examples/lora/train.py', ref: 'v0.1.0' }),
    ).toBe('file huggingface/peft: examples/lora/train.py at v0.1.0 (2 lines, 25 B)\nconfig = LoraConfig(r=4)\n');
    expect(await call(set, 'github_read', { repo: 'huggingface/peft', path: 'examples/lora' })).toBe(
      [
        'folder huggingface/peft: examples/lora (3 entries):',
        '  README.md  33 B',
        '  config.yaml  15 B',
        `  train.py  ${Buffer.byteLength(TRAIN)} B`,
      ].join('\n'),
    );
    expect(await call(set, 'github_read', { repo: 'huggingface/peft', path: '' })).toBe(
      'folder huggingface/peft: / (2 entries):\n  examples/\n  src/',
    );
  });

  it('cuts a long file, saying where, and reads on from a line', async () => {
    const set = tools();
    const first = (await call(set, 'github_read', { repo: 'huggingface/peft', path: 'src/peft/long.py' })).split('\n');
    expect(first[0]).toMatch(/^file huggingface\/peft: src\/peft\/long\.py \(2000 lines, 31 KB, lines 1-(\d+)\)$/);
    const last = Number(/lines 1-(\d+)/.exec(first[0]!)![1]);
    expect(first.at(-1)).toBe(`[Cut after line ${last} of 2000. github_read with from_line ${last + 1} reads on.]`);
    expect(first.at(-2)).toBe(`line_${last} = ${last}`);
    const next = (
      await call(set, 'github_read', { repo: 'huggingface/peft', path: 'src/peft/long.py', from_line: last + 1 })
    ).split('\n');
    expect(next[1]).toBe(`line_${last + 1} = ${last + 1}`);
  });

  it('says a missing path or repo was not found', async () => {
    expect(await call(tools({ token: undefined }), 'github_read', { repo: 'huggingface/peft', path: 'nope.py' })).toBe(
      'error: The path nope.py in huggingface/peft was not found on GitHub.\nCheck the repo (owner/name), the path and the ref; a private repo needs a token with access to it.',
    );
    expect(await call(tools(), 'github_read', { repo: '../etc', path: 'x' })).toMatch(/^invalid: a repo such as/);
  });

  it('answers questions asked before from the cache when GitHub cannot be reached', async () => {
    const gone = await startGitHubServer({ repos, tokens: [TOKEN] });
    const set = tools({ token: TOKEN, url: gone.url });
    const file = await call(set, 'github_read', { repo: 'acme/other', path: 'train.py' });
    const hits = await call(set, 'github_search', { query: 'lora_alpha', repo: 'acme/other' });
    await gone.close();
    const [note, ...rest] = (await call(set, 'github_read', { repo: 'acme/other', path: 'train.py' })).split('\n');
    expect(note).toMatch(
      new RegExp(
        `^\\[From the cache, fetched [\\d-]+ [\\d:]+: GitHub at ${gone.url.replace(/\./g, '\\.')} cannot be reached \\((connection refused|the connection was closed)\\)\\.\\]$`,
      ),
    );
    expect(rest.join('\n')).toBe(file);
    expect(
      (await call(set, 'github_search', { query: 'lora_alpha', repo: 'acme/other' })).split('\n').slice(1).join('\n'),
    ).toBe(hits);
    expect(await call(set, 'github_read', { repo: 'acme/other', path: 'never.py' })).toMatch(
      new RegExp(`^error: GitHub at ${gone.url.replace(/\./g, '\\.')} cannot be reached \\(connection refused\\)`),
    );
  });
});

describe('GitHub’s place among the tools', () => {
  it('asks before each call by default: GitHub is outside the machine (network risk)', () => {
    const set = tools();
    for (const name of ['github_search', 'github_read']) {
      expect(decideApproval([], name, set[name]!.risk, {})).toEqual({
        action: 'ask',
        rule: 'default for network tools',
      });
    }
  });

  it('takes the API URL from settings, else GITHUB_API_URL, and the token from GITHUB_TOKEN, else the saved one', () => {
    const env = { GITHUB_API_URL: 'https://ghe.example.com/api/v3/', GITHUB_TOKEN: 'ghp_env' };
    expect(githubEndpoint(undefined, {}, 'ghp_saved')).toEqual({ url: 'https://api.github.com', token: 'ghp_saved' });
    expect(githubEndpoint(undefined, env, 'ghp_saved')).toEqual({
      url: 'https://ghe.example.com/api/v3',
      token: 'ghp_env',
    });
    expect(githubEndpoint('https://git.corp/api/v3', env)).toEqual({
      url: 'https://git.corp/api/v3',
      token: 'ghp_env',
    });
  });
});
