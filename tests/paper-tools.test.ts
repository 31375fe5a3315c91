// Papers and lineage through the real clients: paper_read against a fake arXiv serving LaTeXML pages
// (fetch) with the abstract from a fake Hub (@huggingface/hub) where there is no rendering, hub_info's
// sections and citing repos for a paper, and a model's base-model lineage.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../src/main/core/tool';
import { HubClient } from '../src/main/hub/hub-client';
import { PaperReader } from '../src/main/hub/paper-reader';
import { cutSections } from '../src/main/hub/paper-text';
import { createHubTools } from '../src/main/tools/hub-tools';
import { startArxivServer, texMath, type FakeArxiv, type FakePaperPage } from './fakes/arxiv-server';
import { startHubServer, type FakeHub, type FakeHubOptions } from './fakes/hub-server';
import { callTool, toolSet } from './helpers/app-tool-call';

const lora: FakePaperPage = {
  id: '2106.09685',
  title: 'LoRA: Low-Rank Adaptation of Large Language Models',
  authors: ['Edward J. Hu', 'Yelong Shen'],
  abstract: 'We propose Low-Rank Adaptation, or LoRA, which freezes the pretrained model weights.',
  sections: [
    {
      tag: '1',
      title: 'Introduction',
      paragraphs: [`Fine-tuning updates all parameters ${texMath('W_{0}')} of the model.`],
    },
    {
      tag: '4',
      title: 'Our Method',
      paragraphs: ['We describe the simple design of LoRA.'],
      subsections: [
        {
          tag: '4.1',
          title: 'Low-Rank-Parametrized Update Matrices',
          paragraphs: [`We constrain its update with ${texMath('W_{0}+\\Delta W=W_{0}+BA')} where the rank is small.`],
        },
        { tag: '4.2', title: 'Applying LoRA to Transformer', paragraphs: ['We only adapt the attention weights.'] },
      ],
    },
    { tag: '6', title: 'Related Works', paragraphs: ['Prompt engineering and fine-tuning.'] },
    {
      title: 'References',
      kind: 'ltx_bibliography',
      paragraphs: ['Brown et al. Language models are few-shot learners. 2020.'],
    },
  ],
};

const long: FakePaperPage = {
  id: '2401.00001',
  title: 'A Long Survey',
  authors: ['A. Writer'],
  abstract: 'A survey that goes on.',
  sections: ['Background', 'Methods', 'Results', 'Discussion'].map((title, index) => ({
    tag: String(index + 1),
    title,
    paragraphs: Array.from(
      { length: 120 },
      (_, line) => `${title} paragraph ${line + 1} says something worth reading.`,
    ),
  })),
};

const hubData: FakeHubOptions = {
  papers: [
    {
      id: '2106.09685',
      title: lora.title,
      summary: lora.abstract,
      authors: lora.authors,
      publishedAt: '2021-06-17T17:37:18.000Z',
      upvotes: 61,
    },
    {
      id: '2305.14314',
      title: 'QLoRA: Efficient Finetuning of Quantized LLMs',
      summary: 'We present QLoRA, an efficient finetuning approach.',
      authors: ['Tim Dettmers'],
      publishedAt: '2023-05-23T17:50:33.000Z',
      upvotes: 156,
    },
  ],
  models: [
    {
      id: 'acme/llama-lora-tickets',
      fields: {
        downloads: 1_200,
        tags: ['peft', 'arxiv:2106.09685', 'base_model:adapter:acme/llama-tickets'],
        cardData: { license: 'mit', base_model: 'acme/llama-tickets' },
      },
      files: { 'adapter_config.json': '{}' },
    },
    {
      id: 'acme/llama-tickets',
      fields: {
        downloads: 300,
        tags: ['transformers', 'base_model:finetune:meta-llama/Llama-3.2-1B'],
        cardData: { base_model: ['meta-llama/Llama-3.2-1B'] },
      },
      files: { 'config.json': '{}' },
    },
    {
      id: 'meta-llama/Llama-3.2-1B',
      fields: { downloads: 2_000_000 },
      files: { 'config.json': '{}' },
      gated: 'manual',
    },
  ],
  datasets: [
    { id: 'acme/lora-eval', fields: { downloads: 40, tags: ['arxiv:2106.09685'] }, files: { 'a.csv': 'x\n' } },
  ],
};

let hub: FakeHub;
let arxiv: FakeArxiv;
let root: string;

beforeAll(async () => {
  hub = await startHubServer(hubData);
  arxiv = await startArxivServer([lora, long]);
});

afterAll(async () => {
  await hub.close();
  await arxiv.close();
});

afterEach(() => {
  arxiv.replaceWith = undefined;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
});

function tools(arxivUrl = arxiv.url): Record<string, ToolDefinition> {
  root = mkdtempSync(join(tmpdir(), 'looplab-papers-'));
  const cacheFolder = join(root, 'hub-cache');
  const client = new HubClient({ endpoint: { url: hub.url, token: undefined }, cacheFolder, timeoutMs: 5_000 });
  const papers = new PaperReader(arxivUrl, cacheFolder, 5_000);
  return toolSet(createHubTools({ client, papers, workspaceFolder: root, maxDownloadBytes: 1024 }));
}

const call = callTool;

const loraSections =
  'sections: Abstract · 1 Introduction · 4 Our Method · 4.1 Low-Rank-Parametrized Update Matrices · 4.2 Applying LoRA to Transformer · 6 Related Works · References';

/** The paper's text as paper_read gives it, after the header and the sections' line. */
const loraBody = [
  '## Abstract',
  'We propose Low-Rank Adaptation, or LoRA, which freezes the pretrained model weights.',
  '## 1 Introduction',
  'Fine-tuning updates all parameters $W_{0}$ of the model.',
  '## 4 Our Method',
  'We describe the simple design of LoRA.',
  '### 4.1 Low-Rank-Parametrized Update Matrices',
  'We constrain its update with $W_{0}+\\Delta W=W_{0}+BA$ where the rank is small.',
  '### 4.2 Applying LoRA to Transformer',
  'We only adapt the attention weights.',
  '## 6 Related Works',
  'Prompt engineering and fine-tuning.',
  '## References',
  'Brown et al. Language models are few-shot learners. 2020.',
];

describe('paper_read', () => {
  it('reads a paper by sections from arXiv’s HTML, formulas as TeX, without the page around it', async () => {
    const output = await call(tools(), 'paper_read', { id: '2106.09685' });
    expect(output).toBe(
      [
        `paper 2106.09685: LoRA: Low-Rank Adaptation of Large Language Models  ${arxiv.url}/html/2106.09685`,
        loraSections,
        ...loraBody,
      ].join('\n'),
    );
  });

  it('reads one section with its subsections, by number or by words of its heading', async () => {
    const set = tools();
    const method = await call(set, 'paper_read', { id: '2106.09685', section: '4' });
    expect(method.split('\n').slice(2)).toEqual(loraBody.slice(4, 10));
    const related = await call(set, 'paper_read', { id: '2106.09685', section: 'related' });
    expect(related.split('\n').slice(2)).toEqual(['## 6 Related Works', 'Prompt engineering and fine-tuning.']);
    expect(await call(set, 'paper_read', { id: '2106.09685', section: 'experiments' })).toBe(
      `error: No section of paper 2106.09685 matches "experiments".\n${loraSections}`,
    );
  });

  it('cuts a long paper to its size, naming what was cut short and left out', async () => {
    const output = await call(tools(), 'paper_read', { id: '2401.00001' });
    expect(output.length).toBeLessThan(12_400);
    const lines = output.split('\n');
    expect(lines[1]).toBe('sections: Abstract · 1 Background · 2 Methods · 3 Results · 4 Discussion');
    expect(lines.at(-1)).toMatch(
      /^\[Cut at 12,000 of \d\d,\d{3} characters: "2 Methods" was cut short; left out: 3 Results, 4 Discussion\. Read one section with section, e\.g\. section "2"\.\]$/,
    );
    expect(lines.at(-2)).toMatch(/^Methods paragraph \d+ says something/);
    const methods = await call(tools(), 'paper_read', { id: '2401.00001', section: '2' });
    expect(methods).toContain('Methods paragraph 120 says something worth reading.');
    expect(methods).not.toContain('[Cut at');
  });

  it('gives the abstract from the Hub for a paper arXiv has no HTML rendering of', async () => {
    const output = await call(tools(), 'paper_read', { id: '2305.14314', section: '2' });
    expect(output.split('\n').slice(0, 2)).toEqual([
      'Paper 2305.14314 has no HTML rendering on arXiv (only its PDF, so no sections); its abstract from the Hub:',
      `paper 2305.14314: QLoRA: Efficient Finetuning of Quantized LLMs  ${hub.url}/papers/2305.14314`,
    ]);
    expect(output).toContain('abstract: We present QLoRA, an efficient finetuning approach.');
  });

  it('answers from the cache, any section of a paper read before, when arXiv cannot be reached', async () => {
    const gone = await startArxivServer([lora]);
    const set = tools(gone.url);
    const whole = await call(set, 'paper_read', { id: '2106.09685' });
    await gone.close();
    const [note, ...rest] = (await call(set, 'paper_read', { id: '2106.09685', section: '6' })).split('\n');
    expect(note).toMatch(
      new RegExp(
        `^\\[From the cache, fetched [\\d-]+ [\\d:]+: arXiv at ${gone.url.replace(/\./g, '\\.')} cannot be reached \\((connection refused|the connection was closed)\\)\\.\\]$`,
      ),
    );
    expect(rest).toEqual([
      whole.split('\n')[0],
      loraSections,
      '## 6 Related Works',
      'Prompt engineering and fine-tuning.',
    ]);
    expect(await call(set, 'paper_read', { id: '2401.00001' })).toBe(
      `error: arXiv at ${gone.url} cannot be reached (connection refused).\nCheck the network connection, or LOOPLAB_ARXIV_URL if arXiv is a mirror; papers read before are answered from the cache.`,
    );
  });

  it('says arXiv answered something unexpected when the page is not a web page', async () => {
    arxiv.replaceWith = { status: 200, contentType: 'application/json', body: '{"error":"login required"}' };
    expect(await call(tools(), 'paper_read', { id: '2106.09685' })).toBe(
      `error: arXiv at ${arxiv.url} answered something unexpected for paper 2106.09685 (application/json, not a web page).\nCheck the network connection, or LOOPLAB_ARXIV_URL if arXiv is a mirror; papers read before are answered from the cache.`,
    );
  });
});

describe('hub_info', () => {
  it('lists a paper’s sections on arXiv and the models and datasets on the Hub citing it', async () => {
    const output = await call(tools(), 'hub_info', { kind: 'paper', id: '2106.09685' });
    expect(output.split('\n').slice(-3)).toEqual([
      'models citing it on the Hub: acme/llama-lora-tickets (1.2k downloads)',
      'datasets citing it on the Hub: acme/lora-eval (40 downloads)',
      `${loraSections} — paper_read reads them`,
    ]);
    expect((await call(tools(), 'hub_info', { kind: 'paper', id: '2305.14314' })).split('\n').at(-1)).toBe(
      'sections: arXiv has no HTML rendering of it (paper_read gives the abstract)',
    );
  });

  it('shows a model’s lineage: its base model, how it derives from it, and the base’s own base', async () => {
    const output = await call(tools(), 'hub_info', { kind: 'model', id: 'acme/llama-lora-tickets' });
    expect(output.split('\n')[2]).toBe(
      'lineage: an adapter of acme/llama-tickets, which is fine-tuned from meta-llama/Llama-3.2-1B',
    );
  });
});

describe('cutSections', () => {
  const section = (heading: string, level: 1 | 2, lines: number) => ({
    heading,
    level,
    text: Array.from({ length: lines }, (_, line) => `${heading} line ${line + 1} of the section.`).join('\n'),
  });

  it('points past a section asked for that is itself too long: to its next subsection, or nowhere', () => {
    const long = [section('5 Experiments', 1, 500), section('5.1 Setup', 2, 3), section('5.2 Results', 2, 3)];
    expect(cutSections(long).split('\n').at(-1)).toMatch(
      /^\[Cut at 12,000 of [\d,]+ characters: "5 Experiments" was cut short; left out: 5\.1 Setup, 5\.2 Results\. Read one section with section, e\.g\. section "5\.1"\.\]$/,
    );
    expect(
      cutSections([section('5.2 Results', 2, 500)])
        .split('\n')
        .at(-1),
    ).toMatch(/^\[Cut at 12,000 of [\d,]+ characters: "5\.2 Results" was cut short\.\]$/);
  });
});
