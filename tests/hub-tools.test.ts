// The Hub tools through the real @huggingface/hub client against a fake Hub on 127.0.0.1: search with
// pagination and filters, details of models, datasets and papers, downloads into the workspace, and
// what the model reads on a missing repo, a gated one, a rate limit and a Hub that is gone (the cache).
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../src/main/core/tool';
import { HubClient } from '../src/main/hub/hub-client';
import { createHubTools } from '../src/main/tools/hub-tools';
import { sendJson, startHttpFake } from './fakes/http-fake';
import { startHubServer, type FakeHub, type FakeHubOptions, type FakeHubRepo } from './fakes/hub-server';
import { callTool, toolSet } from './helpers/app-tool-call';

const README = `---
license: apache-2.0
language: en
---
# TinyBERT for support tickets

[![badge](https://img.shields.io/badge/x-y-green)](https://example.com)

A **small BERT** fine-tuned on support tickets to route them to the right team.
It classifies into four queues.

## Usage

\`\`\`python
pipeline("text-classification")
\`\`\`
`;

const model = (id: string, fields: Record<string, unknown>, extra: Partial<FakeHubRepo> = {}): FakeHubRepo => ({
  id,
  fields,
  files: { 'config.json': '{"model_type":"bert"}' },
  ...extra,
});

const hubData: FakeHubOptions = {
  pageSize: 2,
  grantedTokens: ['hf_granted'],
  otherTokens: ['hf_other'],
  models: [
    model(
      'acme/tinybert-tickets',
      {
        pipeline_tag: 'text-classification',
        library_name: 'transformers',
        downloads: 120_500,
        likes: 42,
        tags: ['transformers', 'safetensors', 'bert', 'text-classification', 'license:apache-2.0'],
        cardData: { license: 'apache-2.0', language: 'en' },
        safetensors: { parameters: { F32: 4_385_920 }, total: 4_385_920 },
      },
      {
        files: {
          'README.md': README,
          'config.json': '{"model_type":"bert","num_labels":4}',
          'model.safetensors': { size: 17_549_312, fill: 's' },
          'tokenizer.json': '{"version":"1.0"}',
        },
      },
    ),
    model('acme/bert-large-tickets', {
      pipeline_tag: 'text-classification',
      library_name: 'transformers',
      downloads: 9_000,
      likes: 300,
    }),
    model('acme/bert-tickets-lora', {
      pipeline_tag: 'text-classification',
      library_name: 'peft',
      downloads: 50,
      likes: 1,
      tags: ['peft', 'lora'],
    }),
    model('other/bert-ner', { pipeline_tag: 'token-classification', library_name: 'transformers', downloads: 700_000 }),
    model('other/bert-base', { pipeline_tag: 'fill-mask', library_name: 'transformers', downloads: 3_000_000 }),
    model('other/bert-mini', { pipeline_tag: 'fill-mask', library_name: 'transformers', downloads: 10 }),
    model(
      'meta-llama/Llama-3.2-1B',
      {
        pipeline_tag: 'text-generation',
        library_name: 'transformers',
        downloads: 2_000_000,
        cardData: { license: 'llama3.2' },
      },
      { gated: 'manual', files: { 'config.json': '{}', 'README.md': 'The Llama 3.2 collection of models.' } },
    ),
  ],
  datasets: [
    {
      id: 'acme/support-tickets',
      fields: {
        downloads: 3_400,
        likes: 12,
        tags: ['task_categories:text-classification', 'size_categories:10K<n<100K', 'language:en', 'license:mit'],
        cardData: {
          license: 'mit',
          dataset_info: {
            features: [
              { name: 'text', dtype: 'string' },
              {
                name: 'label',
                dtype: { class_label: { names: { 0: 'billing', 1: 'bug', 2: 'account', 3: 'other' } } },
              },
            ],
            splits: [
              { name: 'train', num_bytes: 5_242_880, num_examples: 24_000 },
              { name: 'test', num_bytes: 655_360, num_examples: 3_000 },
            ],
            download_size: 3_145_728,
            dataset_size: 5_898_240,
          },
        },
      },
      files: {
        'README.md': '---\nlicense: mit\n---\n# Support tickets\n\nTickets from a help desk, labelled by queue.\n',
        'data/train.csv': 'text,label\n"Refund my order",billing\n"App crashes",bug\n',
        'data/test.csv': 'text,label\n"Reset password",account\n',
      },
    },
    ...['a', 'b', 'c', 'd', 'e'].map((suffix, index) => ({
      id: `acme/tickets-${suffix}`,
      fields: { downloads: 100 - index, likes: index },
      files: { 'data.jsonl': '{"text":"x"}\n' },
    })),
  ],
  papers: [
    {
      id: '2106.09685',
      title: 'LoRA: Low-Rank Adaptation of Large Language Models',
      summary:
        'An important paradigm of natural language processing consists of large-scale pre-training on general domain data and adaptation to particular tasks or domains. We propose Low-Rank Adaptation, or LoRA.',
      authors: ['Edward J. Hu', 'Yelong Shen', 'Phillip Wallis', 'Zeyuan Allen-Zhu', 'Yuanzhi Li'],
      publishedAt: '2021-06-17T17:37:18.000Z',
      upvotes: 84,
    },
    {
      id: '2305.14314',
      title: 'QLoRA: Efficient Finetuning of Quantized LLMs',
      summary: 'We present QLoRA, an efficient finetuning approach that reduces memory usage.',
      authors: ['Tim Dettmers', 'Artidoro Pagnoni'],
      publishedAt: '2023-05-23T17:50:33.000Z',
      upvotes: 156,
    },
  ],
};

let hub: FakeHub;
let root: string;
let workspace: string;

beforeAll(async () => {
  hub = await startHubServer(hubData);
});

afterAll(async () => {
  await hub.close();
});

afterEach(() => {
  hub.rateLimit.retryAfter = undefined;
  hub.requests.length = 0;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function tools(
  options: { token?: string; url?: string; maxDownloadBytes?: number; cacheFolder?: string } = {},
): Record<string, ToolDefinition> {
  root = mkdtempSync(join(tmpdir(), 'looplab-hub-'));
  workspace = join(root, 'workspace');
  mkdirSync(workspace);
  const client = new HubClient({
    endpoint: { url: options.url ?? hub.url, token: options.token },
    cacheFolder: options.cacheFolder ?? join(root, 'hub-cache'),
    timeoutMs: 5_000,
  });
  const list = createHubTools({
    client,
    workspaceFolder: workspace,
    maxDownloadBytes: options.maxDownloadBytes ?? 1024 * 1024 * 1024,
  });
  return toolSet(list);
}

const call = callTool;

describe('hub_search', () => {
  it('follows the Hub’s Link pages until the limit, most downloaded first, with the task and library filters', async () => {
    const set = tools();
    const output = await call(set, 'hub_search', { kind: 'model', query: 'bert task:text-classification', limit: 3 });
    expect(output).toBe(
      [
        '3 models matching "bert" (task text-classification), by downloads:',
        '1. acme/tinybert-tickets · text-classification · transformers · 121k downloads · 42 likes · updated 2025-03-04',
        '2. acme/bert-large-tickets · text-classification · transformers · 9k downloads · 300 likes · updated 2025-03-04',
        '3. acme/bert-tickets-lora · text-classification · peft · 50 downloads · 1 like · updated 2025-03-04',
      ].join('\n'),
    );
    const pages = hub.requests.filter((request) => request.path.startsWith('/api/models?'));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.path).toContain('cursor=2');
    expect(pages[0]!.path).toContain('pipeline_tag=text-classification');

    const peft = await call(set, 'hub_search', { kind: 'model', query: 'bert', library: 'peft', sort: 'likes' });
    expect(peft.split('\n')).toEqual([
      '1 model matching "bert" (library peft), by likes:',
      expect.stringMatching(/^1\. acme\/bert-tickets-lora · /),
    ]);
  });

  it('pages through datasets and shows their task, size and language tags', async () => {
    const set = tools();
    const output = await call(set, 'hub_search', { kind: 'dataset', query: 'tickets', limit: 5 });
    const lines = output.split('\n');
    expect(lines[0]).toBe('5 datasets matching "tickets", by downloads:');
    expect(lines[1]).toBe('1. acme/support-tickets · 3.4k downloads · 12 likes · updated 2025-03-04');
    expect(lines[2]).toBe('   text-classification, 10K<n<100K, en');
    expect(lines.slice(3).map((line) => line.split(' · ')[0])).toEqual([
      '2. acme/tickets-a',
      '3. acme/tickets-b',
      '4. acme/tickets-c',
      '5. acme/tickets-d',
    ]);
    expect(hub.requests.filter((request) => request.path.startsWith('/api/datasets?'))).toHaveLength(3);
  });

  it('finds papers by words of their title and abstract', async () => {
    const output = await call(tools(), 'hub_search', { kind: 'paper', query: 'low-rank adaptation' });
    expect(output).toBe(
      [
        '1 paper matching "low-rank adaptation":',
        '1. 2106.09685 · LoRA: Low-Rank Adaptation of Large Language Models · 2021-06-17 · Edward J. Hu, Yelong Shen, Phillip Wallis and 2 more · 84 upvotes',
        '   An important paradigm of natural language processing consists of large-scale pre-training on general domain data and adaptation to particular tasks or domains. We propose Low-Rank Adaptation, or LoRA.',
      ].join('\n'),
    );
    expect(await call(tools(), 'hub_search', { kind: 'model', query: 'nothing-like-this' })).toBe(
      'No models matching "nothing-like-this" on the Hub.',
    );
  });
});

describe('hub_info', () => {
  it('gives a model’s card summary, license, gated state, parameters and files with sizes', async () => {
    const output = await call(tools(), 'hub_info', { kind: 'model', id: 'acme/tinybert-tickets' });
    expect(output).toBe(
      [
        `model acme/tinybert-tickets  ${hub.url}/acme/tinybert-tickets`,
        'task: text-classification · library: transformers · license: apache-2.0 · not gated',
        '121k downloads · 42 likes · updated 2025-03-04',
        'parameters: 4.4M (4,385,920; F32)',
        'summary: A small BERT fine-tuned on support tickets to route them to the right team. It classifies into four queues.',
        'files (4, 17 MB in all):',
        `  README.md  ${Buffer.byteLength(README)} B`,
        '  config.json  36 B',
        '  model.safetensors  17 MB',
        '  tokenizer.json  17 B',
      ].join('\n'),
    );
  });

  it('gives a dataset’s configs, splits with rows and sizes, and features', async () => {
    const output = await call(tools(), 'hub_info', { kind: 'dataset', id: 'acme/support-tickets' });
    expect(output.split('\n').slice(0, 7)).toEqual([
      `dataset acme/support-tickets  ${hub.url}/datasets/acme/support-tickets`,
      'license: mit · not gated',
      '3.4k downloads · 12 likes · updated 2025-03-04',
      'summary: Tickets from a help desk, labelled by queue.',
      'configs and splits:',
      '  default: train 24,000 rows (5 MB), test 3,000 rows (640 KB)',
      '    features: text (string), label (class_label: billing, bug, account, other)',
    ]);
    expect(output).toContain('  data/train.csv  ');
  });

  it('gives a paper’s title, authors, date and abstract', async () => {
    const output = await call(tools(), 'hub_info', { kind: 'paper', id: '2305.14314' });
    expect(output).toBe(
      [
        `paper 2305.14314: QLoRA: Efficient Finetuning of Quantized LLMs  ${hub.url}/papers/2305.14314`,
        'published 2023-05-23 · 156 upvotes · arXiv: https://arxiv.org/abs/2305.14314',
        'authors: Tim Dettmers, Artidoro Pagnoni',
        'abstract: We present QLoRA, an efficient finetuning approach that reduces memory usage.',
        'models citing it on the Hub: none',
        'datasets citing it on the Hub: none',
      ].join('\n'),
    );
  });

  it('says a missing repo or paper was not found, and refuses ids that are not ids', async () => {
    const set = tools();
    expect(await call(set, 'hub_info', { kind: 'model', id: 'acme/no-such-model' })).toBe(
      'error: Model acme/no-such-model was not found on the Hub.\nCheck the id (owner/name, and the path inside the repo); hub_search finds ids.',
    );
    expect(await call(set, 'hub_info', { kind: 'paper', id: '9999.99999' })).toMatch(
      /^error: Paper 9999\.99999 was not found/,
    );
    expect(await call(set, 'hub_info', { kind: 'model', id: '../../etc' })).toMatch(
      /^error: Invalid id "..\/..\/etc" for a model/,
    );
  });

  it('marks a gated model as gated; its files then need HF_TOKEN and the conditions accepted', async () => {
    const info = await call(tools(), 'hub_info', { kind: 'model', id: 'meta-llama/Llama-3.2-1B' });
    expect(info.split('\n')[1]).toBe(
      'task: text-generation · library: transformers · license: llama3.2 · gated (the authors approve each request)',
    );
    // The card stays public, as on the Hub.
    expect(info).toContain('summary: The Llama 3.2 collection of models.');
  });
});

describe('hub_fetch', () => {
  it('downloads a dataset file into the workspace, by default under hub/<repo>/', async () => {
    const set = tools();
    const output = await call(set, 'hub_fetch', {
      repo: 'acme/support-tickets',
      kind: 'dataset',
      path: 'data/train.csv',
    });
    expect(output).toBe(
      'Downloaded data/train.csv of dataset acme/support-tickets to hub/acme/support-tickets/data/train.csv (55 B).',
    );
    expect(readFileSync(join(workspace, 'hub/acme/support-tickets/data/train.csv'), 'utf8')).toBe(
      hubData.datasets![0]!.files['data/train.csv'],
    );
    const weights = await call(set, 'hub_fetch', {
      repo: 'acme/tinybert-tickets',
      path: 'model.safetensors',
      to: 'models/tiny.safetensors',
    });
    expect(weights).toBe(
      'Downloaded model.safetensors of model acme/tinybert-tickets to models/tiny.safetensors (17 MB).',
    );
    expect(readFileSync(join(workspace, 'models/tiny.safetensors')).length).toBe(17_549_312);
  });

  // Only a process running as root makes files another user must be able to change.
  it.runIf(process.getuid?.() === 0)(
    'run as root, gives the file and its new folders the workspace’s owner',
    async () => {
      const set = tools();
      chownSync(workspace, 1000, 1000);
      await call(set, 'hub_fetch', { repo: 'acme/support-tickets', kind: 'dataset', path: 'data/train.csv' });
      const owners = [
        'hub',
        'hub/acme',
        'hub/acme/support-tickets/data',
        'hub/acme/support-tickets/data/train.csv',
      ].map((path) => statSync(join(workspace, path)).uid);
      expect(owners).toEqual([1000, 1000, 1000, 1000]);
    },
  );

  it('refuses files over the size cap before writing anything, and paths outside the workspace', async () => {
    const set = tools({ maxDownloadBytes: 1024 * 1024 });
    expect(await call(set, 'hub_fetch', { repo: 'acme/tinybert-tickets', path: 'model.safetensors' })).toBe(
      'error: model.safetensors is 17 MB, over the 1 MB that hub_fetch downloads.\nPick a smaller file, or download it inside a job started with the network granted (huggingface_hub or curl).',
    );
    expect(existsSync(join(workspace, 'hub/acme/tinybert-tickets'))).toBe(true);
    expect(readdirSync(join(workspace, 'hub/acme/tinybert-tickets'))).toEqual([]);
    expect(
      await call(set, 'hub_fetch', { repo: 'acme/tinybert-tickets', path: 'config.json', to: '../escape.json' }),
    ).toBe('error: ../escape.json is outside the workspace.');
    symlinkSync(root, join(workspace, 'link'));
    expect(
      await call(set, 'hub_fetch', { repo: 'acme/tinybert-tickets', path: 'config.json', to: 'link/config.json' }),
    ).toBe('error: link/config.json leads outside the workspace through a symbolic link.');
    expect(await call(set, 'hub_fetch', { repo: 'acme/tinybert-tickets', path: '../config.json' })).toMatch(
      /^invalid: a path inside the repo/,
    );
    expect(await call(set, 'hub_fetch', { repo: 'acme/tinybert-tickets', path: 'missing.bin' })).toBe(
      'error: There is no file missing.bin in model acme/tinybert-tickets.\nhub_info lists the files of a repo with their sizes.',
    );
    expect(existsSync(join(root, 'escape.json'))).toBe(false);
  });

  it('names what to do for a gated repo: set HF_TOKEN, then accept its conditions on its page', async () => {
    const page = `${hub.url}/meta-llama/Llama-3.2-1B`;
    const input = { repo: 'meta-llama/Llama-3.2-1B', path: 'config.json' };
    expect(await call(tools(), 'hub_fetch', input)).toBe(
      `error: The file config.json of model meta-llama/Llama-3.2-1B needs a Hugging Face login: the repo is gated or private.\nSet HF_TOKEN to a read token from https://huggingface.co/settings/tokens, and if the repo is gated, accept its conditions on ${page}.`,
    );
    expect(await call(tools({ token: 'hf_other' }), 'hub_fetch', input)).toBe(
      `error: Access to the file config.json of model meta-llama/Llama-3.2-1B is restricted: the account of HF_TOKEN has not been granted access.\nAccept the repo's conditions on ${page} with that account (a gated repo may also wait for the authors' approval), then ask again.`,
    );
    expect(await call(tools({ token: 'hf_granted' }), 'hub_fetch', input)).toMatch(/^Downloaded config\.json/);
    expect(hub.requests.at(-1)!.headers.authorization).toBe('Bearer hf_granted');
    expect(await call(tools({ token: 'not-a-token' }), 'hub_fetch', input)).toBe(
      'error: HF_TOKEN does not look like a Hugging Face token (they start with hf_).\nSet HF_TOKEN to a token from https://huggingface.co/settings/tokens, or unset it for public data.',
    );
  });
});

describe('when the Hub cannot answer', () => {
  it('says when to try again on a rate limit, from Retry-After', async () => {
    hub.rateLimit.retryAfter = '17';
    expect(await call(tools(), 'hub_search', { kind: 'model', query: 'bert' })).toBe(
      'error: The Hub is rate limiting requests: try again in 17 s.\nWait before asking again, and ask fewer, more precise questions; requests with HF_TOKEN set get a higher limit.',
    );
  });

  it('answers questions asked before from the cache, saying so and when it was fetched', async () => {
    const gone = await startHubServer(hubData);
    const set = tools({ url: gone.url });
    const live = await call(set, 'hub_info', { kind: 'model', id: 'acme/tinybert-tickets' });
    const search = await call(set, 'hub_search', { kind: 'paper', query: 'qlora' });
    expect(live).toContain('parameters: 4.4M');
    await gone.close();

    const cached = await call(set, 'hub_info', { kind: 'model', id: 'acme/tinybert-tickets' });
    const [note, ...rest] = cached.split('\n');
    expect(note).toMatch(
      new RegExp(
        `^\\[From the cache, fetched \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d: The Hub at ${gone.url.replace(/\./g, '\\.')} cannot be reached \\((connection refused|the connection was closed)\\)\\.\\]$`,
      ),
    );
    expect(rest.join('\n')).toBe(live);
    expect((await call(set, 'hub_search', { kind: 'paper', query: 'qlora' })).split('\n').slice(1).join('\n')).toBe(
      search,
    );
    expect(await call(set, 'hub_search', { kind: 'paper', query: 'never asked' })).toBe(
      `error: The Hub at ${gone.url} cannot be reached (connection refused).\nCheck the network connection, or HF_ENDPOINT if the Hub is a mirror; questions asked before are answered from the cache.`,
    );
  });

  it('says when a mirror answers in a shape that is not the Hub API', async () => {
    const mirror = await startHttpFake((_request, response) => sendJson(response, 200, { models: 'not a list' }));
    try {
      const hint =
        'If HF_ENDPOINT points at a mirror, check that it serves the Hub API; questions asked before are answered from the cache.';
      expect(await call(tools({ url: mirror.url }), 'hub_search', { kind: 'paper', query: 'lora' })).toBe(
        `error: The Hub at ${mirror.url} answered something unexpected for the paper search "lora" (the answer: Invalid input: expected array, received object).\n${hint}`,
      );
      // The library reads the list itself: what it trips on is named, not taken for a network failure.
      expect(await call(tools({ url: mirror.url }), 'hub_search', { kind: 'model', query: 'bert' })).toBe(
        `error: The Hub at ${mirror.url} answered something unexpected for the model search "bert" (items is not iterable).\n${hint}`,
      );
    } finally {
      await mirror.close();
    }
  });

  it('keeps cached answers apart per Hub URL, and refreshes them from live answers', async () => {
    // One cache folder for two Hubs, as one data folder keeps one cache whatever HF_ENDPOINT says.
    const cacheFolder = join(mkdtempSync(join(tmpdir(), 'looplab-hub-')), 'hub-cache');
    const ask = (url: string) => call(tools({ url, cacheFolder }), 'hub_search', { kind: 'model', query: 'tickets' });
    const firstData = { models: [model('acme/first-tickets', { downloads: 10 })] };
    const secondData = { models: [model('acme/second-tickets', { downloads: 20 })] };
    const first = await startHubServer(firstData);
    const second = await startHubServer(secondData);
    const firstLive = await ask(first.url);
    const secondBefore = await ask(second.url);
    expect(firstLive).toContain('acme/first-tickets');
    expect(secondBefore).toContain('acme/second-tickets');
    expect(secondBefore).not.toContain('acme/first-tickets');
    // The second Hub changes: its next live answer replaces what the cache kept for it.
    secondData.models.push(model('acme/second-tickets-v2', { downloads: 30 }));
    const secondLive = await ask(second.url);
    expect(secondLive).toContain('acme/second-tickets-v2');
    await first.close();
    await second.close();

    const fromCache = async (url: string) => {
      const [note, ...rest] = (await ask(url)).split('\n');
      expect(note).toMatch(/^\[From the cache, fetched /);
      return rest.join('\n');
    };
    expect(await fromCache(first.url)).toBe(firstLive);
    expect(await fromCache(second.url)).toBe(secondLive);
  });
});
