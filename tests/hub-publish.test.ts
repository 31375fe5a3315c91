// hub_publish through the real @huggingface/hub client against the fake Hub on 127.0.0.1: the dry run a
// person approves, the repo created private, the commit's files (large ones through LFS) and the card
// exactly, a cut upload tried again without re-sending what the Hub has, and the refusals (no token, an
// organization the account may not write to, a name the Hub refuses, a path out of the workspace).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventDraft, RunEvent } from '../src/shared/events';
import type { ToolContext, ToolDefinition } from '../src/main/core/tool';
import { terminalGate } from '../src/main/cli/terminal-gate';
import { decideApproval } from '../src/main/core/approvals';
import { hubPublishTool } from '../src/main/tools/hub-publish';
import { startHubServer, type FakeHub } from './fakes/hub-server';

const RUN = 'run_publish1';
const ADAPTER = Buffer.alloc(3000, 7);
const TOKENIZER = 'x'.repeat(2500);
const ADAPTER_CONFIG = JSON.stringify({ base_model_name_or_path: 'Qwen/Qwen2.5-0.5B', peft_type: 'LORA' });
const TICKETS = 'text,label\nhello,a\nbye,b\nhm,a\n';

const drafts: EventDraft[] = [
  {
    type: 'run.created',
    payload: { goal: 'Fine-tune a small model on tickets.csv', model: 'ollama/qwen3:8b', origin: 'new' },
  },
  { type: 'tool.started', payload: { callId: 'c1', tool: 'data_inspect', args: { path: 'data/tickets.csv' } } },
  {
    type: 'tool.finished',
    payload: { callId: 'c1', output: 'data/tickets.csv: CSV, 40 B, 3 rows, 2 columns\ncolumns…', isError: false },
  },
  {
    type: 'job.started',
    payload: { jobId: 'job_1', command: 'python3 train.py --epochs 3 --lr 2e-4', gpu: true },
  },
  { type: 'job.finished', payload: { jobId: 'job_1', status: 'succeeded', exitCode: 0 } },
  {
    type: 'evaluation.recorded',
    payload: {
      evalId: 'e1',
      metric: 'accuracy',
      value: 0.91,
      target: 0.85,
      attempt: 1,
      baseline: { label: 'TF-IDF + logistic regression', value: 0.83, margin: 0.02 },
    },
  },
];
const events = drafts.map((draft, seq) => ({ runId: RUN, seq, time: seq, ...draft }) as RunEvent);

let hub: FakeHub;
let workspace: string;
let progress: string[];

function ctx(): ToolContext {
  return {
    runId: RUN,
    callId: 'call_1',
    signal: new AbortController().signal,
    workspace: undefined as never,
    progress: (chunk) => progress.push(chunk),
    record: () => [],
    setPlan: () => undefined,
  };
}

function tool(token: string | null): ToolDefinition {
  return hubPublishTool({
    runId: RUN,
    workspaceFolder: workspace,
    events: () => events,
    runExport: () => ({ fileName: `${RUN}.looplab.gz`, bytes: Buffer.from('exported run') }),
    endpoint: () => ({ url: hub.url, token: token ?? undefined }),
    version: '1.2.3',
  });
}

async function publish(input: Record<string, unknown>, token: string | null = 'hf_me') {
  const publishTool = tool(token);
  const parsed = publishTool.input.parse(input);
  const summary = await publishTool.summarize(parsed);
  const result = await publishTool.run(parsed, ctx());
  return { summary, result };
}

const sha = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const lfsPuts = () =>
  hub.requests.filter((request) => request.method === 'PUT' && request.path.startsWith('/api/blobs/lfs/'));

beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'looplab-publish-'));
  mkdirSync(join(workspace, 'outputs/model'), { recursive: true });
  mkdirSync(join(workspace, 'data'));
  writeFileSync(join(workspace, 'outputs/model/adapter_config.json'), ADAPTER_CONFIG);
  writeFileSync(join(workspace, 'outputs/model/adapter_model.safetensors'), ADAPTER);
  writeFileSync(join(workspace, 'outputs/model/tokenizer.json'), TOKENIZER);
  writeFileSync(join(workspace, 'data/tickets.csv'), TICKETS);
  mkdirSync(join(workspace, 'notes'));
  writeFileSync(join(workspace, 'notes/README.md'), '# My own card\n');
});

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

beforeEach(async () => {
  progress = [];
  hub = await startHubServer({
    lfsThreshold: 2000,
    publishers: [{ token: 'hf_me', user: 'me', orgs: ['my-lab'] }],
    models: [{ id: 'someone/tinybert', fields: {}, files: {} }],
  });
});

afterEach(() => hub.close());

describe('hub_publish', () => {
  it('shows the dry run, creates a private repo and commits the files and the card', async () => {
    const { summary, result } = await publish({ kind: 'model', repo: 'me/tickets-lora', paths: ['outputs/model/'] });
    expect(result.isError ?? false).toBe(false);
    const card = EXPECTED_CARD.replace('DATA_SHA', sha(TICKETS));
    expect(summary).toBe(
      [
        'Publish to the Hub: model me/tickets-lora (created private if missing)',
        `  ${hub.url}/me/tickets-lora`,
        'Commit: Publish from the Looplab run run_publish1',
        'Files (4, 6.8 KB):',
        '  adapter_config.json             66 B  ← outputs/model/adapter_config.json',
        '  adapter_model.safetensors     2.9 KB  ← outputs/model/adapter_model.safetensors',
        '  tokenizer.json                2.4 KB  ← outputs/model/tokenizer.json',
        '  README.md                     1.4 KB  (the card below)',
        '',
        'Card (README.md):',
        card,
      ].join('\n'),
    );
    expect(hub.publish.created).toEqual([{ kind: 'model', id: 'me/tickets-lora', private: true }]);
    expect(hub.publish.commits.map(({ title, files }) => ({ title, files }))).toEqual([
      {
        title: 'Publish from the Looplab run run_publish1',
        files: [
          { path: 'adapter_config.json', size: 66, sha256: sha(ADAPTER_CONFIG), lfs: false },
          { path: 'adapter_model.safetensors', size: 3000, sha256: sha(ADAPTER), lfs: true },
          { path: 'tokenizer.json', size: 2500, sha256: sha(TOKENIZER), lfs: true },
          { path: 'README.md', size: Buffer.byteLength(card), sha256: sha(card), lfs: false },
        ],
      },
    ]);
    expect(hub.publish.commits[0]!.text['README.md']).toBe(card);
    expect(result.output).toBe(
      [
        `Published 4 files to the private model repo me/tickets-lora (created): ${hub.url}/me/tickets-lora`,
        `Commit: ${hub.url}/me/tickets-lora/commit/${hub.publish.commits[0] === undefined ? '' : commitOid()}`,
        'Large files sent: 2; already on the Hub (not sent again): 0.',
      ].join('\n'),
    );
    expect(progress).toEqual([
      'Created the private model repo me/tickets-lora.\n',
      'Sending large files…\n',
      'Sending adapter_model.safetensors (2.9 KB)…\n',
      'Sending tokenizer.json (2.4 KB)…\n',
      'Sent adapter_model.safetensors.\n',
      'Sent tokenizer.json.\n',
      'Committing…\n',
    ]);
  });

  it('tries a cut upload again without sending again what the Hub has', async () => {
    hub.publish.faults.commitFailures = 1;
    const { result } = await publish({ kind: 'model', repo: 'me/tickets-lora', paths: ['outputs/model'] });
    expect(result.isError ?? false).toBe(false);
    expect(
      lfsPuts()
        .map((request) => request.raw.length)
        .sort(),
    ).toEqual([2500, 3000]);
    expect(hub.publish.commits).toHaveLength(1);
    const said = progress.join('');
    expect(said).toContain(
      `The Hub at ${hub.url} failed while publishing me/tickets-lora (HTTP 500). Trying again (2 of 3); files the Hub has are not sent again.`,
    );
    expect(said).toContain('adapter_model.safetensors (2.9 KB): the Hub has it already; not sent again.');
    expect(result.output).toContain('Large files sent: 2; already on the Hub (not sent again): 0.');

    // Published again to the same repo: a new commit, and no large file sent twice.
    progress = [];
    const again = await publish({ kind: 'model', repo: 'me/tickets-lora', paths: ['outputs/model'], message: 'Again' });
    expect(progress[0]).toBe('me/tickets-lora exists: the files go into a new commit on it.\n');
    expect(lfsPuts()).toHaveLength(2);
    expect(hub.publish.commits.map((commit) => commit.title)).toEqual([
      'Publish from the Looplab run run_publish1',
      'Again',
    ]);
    expect(again.result.output).toContain('Large files sent: 0; already on the Hub (not sent again): 2.');
  });

  it('publishes a public dataset with the run attached, and a card the Hub’s viewer reads', async () => {
    const { summary, result } = await publish({
      kind: 'dataset',
      repo: 'my-lab/tickets',
      paths: ['data/tickets.csv'],
      private: false,
      includeRun: true,
    });
    expect(result.isError ?? false).toBe(false);
    expect(summary.split('\n')[0]).toBe('Publish to the Hub: dataset my-lab/tickets (created PUBLIC if missing)');
    expect(hub.publish.created).toEqual([{ kind: 'dataset', id: 'my-lab/tickets', private: false }]);
    const [commit] = hub.publish.commits;
    expect(commit!.files.map((file) => file.path)).toEqual([
      'tickets.csv',
      'looplab/run_publish1.looplab.gz',
      'README.md',
    ]);
    expect(commit!.text['looplab/run_publish1.looplab.gz']).toBe('exported run');
    const card = commit!.text['README.md']!;
    expect(
      card.startsWith(
        '---\ntags:\n  - looplab\nconfigs:\n  - config_name: default\n    data_files:\n      - tickets.csv\n---\n',
      ),
    ).toBe(true);
    expect(card).not.toContain('base_model');
    expect(card).toContain('```bash\nlooplab import looplab/run_publish1.looplab.gz\nlooplab replay run_publish1\n```');
    expect(result.output).toContain(`${hub.url}/datasets/my-lab/tickets`);
  });

  it.each([
    [
      { repo: 'me/x' },
      null,
      'Publishing to the Hub needs a Hugging Face token with write access. Set HF_TOKEN to a token with write access (https://huggingface.co/settings/tokens), or save one in Settings → Hugging Face.',
    ],
    [{ repo: 'me/x' }, 'hf_unknown', 'The Hub refused the token (Invalid credentials in Authorization header).'],
    [
      { repo: 'other-org/x' },
      'hf_me',
      `The token's account may not create a model repo under other-org (You don't have the rights to create a model under the namespace "other-org").`,
    ],
    [{ repo: 'someone/tinybert' }, 'hf_me', `The token's account may not create a model repo under someone`],
    [{ repo: 'me/bad--name' }, 'hf_me', 'The Hub does not accept the model repo me/bad--name'],
    [
      { repo: 'me/x', paths: ['../escape'] },
      'hf_me',
      "../escape is outside the run's workspace or goes through a link, so Looplab will not publish it.",
    ],
    [{ repo: 'me/x', paths: ['outputs'] }, 'hf_me', 'outputs/linked/secret is a link, so Looplab will not publish it'],
    [{ repo: 'me/x', paths: ['missing'] }, 'hf_me', "missing is not in the run's workspace."],
    [
      { repo: 'me/x', paths: ['notes'] },
      'hf_me',
      "notes/README.md would replace the card: Looplab writes README.md from the run's record.",
    ],
  ] as [{ repo: string; paths?: string[] }, string | null, string][])(
    'refuses %j with token %s, saying why',
    async (input, token, message) => {
      if (input.paths?.[0] === 'outputs') {
        mkdirSync(join(workspace, 'outputs/linked'), { recursive: true });
        symlinkSync('/etc/hostname', join(workspace, 'outputs/linked/secret'));
      }
      try {
        const { result } = await publish({ kind: 'model', paths: ['outputs/model'], ...input }, token);
        expect(result.isError).toBe(true);
        expect(result.output).toContain(message);
        expect(hub.publish.commits).toEqual([]);
        expect(lfsPuts()).toEqual([]);
      } finally {
        rmSync(join(workspace, 'outputs/linked'), { recursive: true, force: true });
      }
    },
  );
});

describe('publishing always asks', () => {
  it('is asked about even where a rule allows every tool', () => {
    const verdict = decideApproval([{ tool: '*', action: 'allow' }], 'hub_publish', 'publish', {});
    expect(verdict).toEqual({ action: 'ask', rule: 'publishing always asks ("allow *" does not cover it)' });
    expect(decideApproval([{ tool: 'hub_publish', action: 'deny' }], 'hub_publish', 'publish', {}).action).toBe('deny');
    expect(decideApproval([], 'hub_publish', 'publish', {}).action).toBe('ask');
  });

  it('is never approved by --approve auto', async () => {
    const gate = terminalGate('auto', { input: process.stdin, output: process.stderr });
    const request = {
      kind: 'call' as const,
      runId: RUN,
      callId: 'c9',
      tool: 'hub_publish',
      input: {},
      summary: 'x',
      rule: 'default for publish tools',
    };
    expect(await gate.decide({ ...request, risk: 'publish' }, new AbortController().signal)).toEqual({
      decision: 'rejected',
      by: 'policy',
      feedback:
        'Publishing is never approved by --approve auto. Rerun with --approve ask on a terminal, or publish afterwards with `looplab publish`.',
    });
    expect(await gate.decide({ ...request, tool: 'bash', risk: 'exec' }, new AbortController().signal)).toEqual({
      decision: 'approved',
    });
  });
});

function commitOid(): string {
  const request = hub.requests.find((candidate) => /\/commit\/main$/.test(candidate.path))!;
  return sha(request.raw).slice(0, 40);
}

const EXPECTED_CARD = `---
base_model: Qwen/Qwen2.5-0.5B
library_name: peft
tags:
  - looplab
metrics:
  - accuracy
model-index:
  - name: me/tickets-lora
    results:
      - task:
          type: other
        dataset:
          name: evaluation data
          type: local
        metrics:
          - type: accuracy
            value: 0.91
            name: accuracy
            verified: false
---

# me/tickets-lora

Made by the Looplab run \`run_publish1\` (Looplab 1.2.3). Looplab wrote this card from the run's record; the agent did not.

Goal: Fine-tune a small model on tickets.csv

## Base model

\`Qwen/Qwen2.5-0.5B\` (read from outputs/model/adapter_config.json)

## Data

| File | Rows | Size | SHA-256 |
| --- | --- | --- | --- |
| data/tickets.csv | 3 | 30 B | \`DATA_SHA\` |

## Training

Job 1 (GPU, succeeded):

\`\`\`bash
python3 train.py --epochs 3 --lr 2e-4
\`\`\`

## Evaluation

Computed by Looplab's harness, not reported by the agent.

| Metric | Value | Target | Baseline | Held out | Attempt |
| --- | --- | --- | --- | --- | --- |
| accuracy (higher is better) | 0.91 | 0.85 | TF-IDF + logistic regression: 0.83 | no | 1 |

## Files

| File | Size |
| --- | --- |
| adapter_config.json | 66 B |
| adapter_model.safetensors | 2.9 KB |
| tokenizer.json | 2.4 KB |

## Reproduce

The run's record stays with whoever ran it: \`looplab export run_publish1\` writes it.
`;
