// A run that researches and inspects, as `looplab run` does it: the model (a fake Ollama) searches a
// fake Hub, downloads a dataset file into the run's workspace and inspects it for classification; each
// tool result reaches the model, and none of these calls waits for an approval.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { FakeServer } from './fakes/http-fake';
import { startHubServer } from './fakes/hub-server';
import { startOllamaServer } from './fakes/ollama-server';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
const servers: FakeServer[] = [];

beforeEach(() => {
  home = makeTempHome();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  home.remove();
});

const TRAIN = 'text,label\n"Refund my order",billing\n"App crashes on start",bug\n"Charged twice",billing\n';

it('searches the Hub, fetches a file into the workspace and inspects it, all without approvals', async () => {
  const hub = await startHubServer({
    datasets: [
      {
        id: 'acme/support-tickets',
        fields: { downloads: 3_400, likes: 12, tags: ['task_categories:text-classification'] },
        files: { 'data/train.csv': TRAIN },
      },
    ],
  });
  servers.push(hub);
  const path = 'hub/acme/support-tickets/data/train.csv';
  const ollama = await startOllamaServer({
    turns: [
      { toolCalls: [{ name: 'hub_search', arguments: { kind: 'dataset', query: 'tickets' } }] },
      {
        toolCalls: [
          {
            name: 'hub_fetch',
            arguments: { repo: 'acme/support-tickets', kind: 'dataset', path: 'data/train.csv' },
          },
        ],
      },
      { toolCalls: [{ name: 'data_inspect', arguments: { path, method: 'classification' } }] },
      { text: ['The dataset has 3 rows in 2 classes.'] },
    ],
  });
  servers.push(ollama);
  const result = await runCli(
    ['run', '--model', 'ollama/qwen2.5-coder:7b', '--host-exec', '--approve', 'deny', '--json', 'Find ticket data'],
    { env: { OLLAMA_HOST: ollama.url, LOOPLAB_HOME: home.paths.root, HF_ENDPOINT: hub.url, HF_TOKEN: '' } },
  );
  expect(result.code, result.stderr).toBe(0);
  const { runId } = JSON.parse(result.stdout) as { runId: string };

  const chats = ollama.requests.filter((request) => request.path === '/api/chat').map((request) => request.body);
  const first = chats[0] as { tools: { function: { name: string } }[] };
  expect(first.tools.map((tool) => tool.function.name)).toEqual(
    expect.arrayContaining(['hub_search', 'hub_info', 'hub_fetch', 'data_inspect']),
  );
  const last = chats.at(-1) as { messages: { role: string; content: string }[] };
  const results = last.messages.filter((message) => message.role === 'tool').map((message) => message.content);
  expect(results[0]).toBe(
    [
      '1 dataset matching "tickets", by downloads:',
      '1. acme/support-tickets · 3.4k downloads · 12 likes · updated 2025-03-04',
      '   text-classification',
    ].join('\n'),
  );
  expect(results[1]).toBe(`Downloaded data/train.csv of dataset acme/support-tickets to ${path} (${TRAIN.length} B).`);
  expect(results[2]).toContain('label balance (label): billing 2 (66.7%), bug 1 (33.3%) · largest/smallest 2');
  expect(results[2]).toContain(
    'format check (classification: text "text", label "label"): OK, every row has the expected fields.',
  );
  expect(readFileSync(join(home.paths.workspaces, runId, path), 'utf8')).toBe(TRAIN);
  // The Hub's answer was kept for offline use in the data folder.
  expect(readdirSync(home.paths.hubCache)).toHaveLength(1);
});
