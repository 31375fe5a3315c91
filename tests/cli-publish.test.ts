// `looplab publish` as a person runs it, against the fake Hub: the dry run printed, a refusal without a
// terminal to ask on (and nothing sent), a publish with --yes (public, the run attached), and no token.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/open-store';
import { sampleCreated, sampleRunDrafts } from './fixtures/sample-run';
import { startHubServer, type FakeHub } from './fakes/hub-server';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let hub: FakeHub;
let runId: string;

beforeEach(async () => {
  home = makeTempHome();
  hub = await startHubServer({ publishers: [{ token: 'hf_me', user: 'me' }], lfsThreshold: 1000 });
  const { store, close } = openStore(home.paths);
  runId = store.createRun(sampleCreated(), 1_700_000_000_000).runId;
  store.append(runId, sampleRunDrafts());
  close();
  const model = join(home.paths.workspaces, runId, 'outputs/model');
  mkdirSync(model, { recursive: true });
  writeFileSync(join(model, 'config.json'), JSON.stringify({ _name_or_path: 'HuggingFaceTB/SmolLM2-135M' }));
  writeFileSync(join(model, 'model.safetensors'), Buffer.alloc(4096, 1));
});

afterEach(async () => {
  await hub.close();
  home.remove();
});

const publish = (args: string[], token = 'hf_me') =>
  runCli(['--home', home.paths.root, 'publish', runId, 'outputs/model', '--repo', 'me/smol', ...args], {
    env: { HF_ENDPOINT: hub.url, HF_TOKEN: token, HUGGING_FACE_HUB_TOKEN: '' },
  });

describe('looplab publish', () => {
  it('prints the dry run and refuses without a terminal to ask on, sending nothing', async () => {
    const result = await publish([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Publish to the Hub: model me/smol (created private if missing)');
    expect(result.stdout).toContain('  model.safetensors       4 KB  ← outputs/model/model.safetensors');
    expect(result.stdout).toContain('base_model: HuggingFaceTB/SmolLM2-135M\nlibrary_name: transformers\n');
    expect(result.stderr).toContain(
      'looplab: Publishing asks before sending anything, and there is no terminal to ask on.\nRead the dry run above, then run the same command with --yes to publish it.',
    );
    expect(hub.requests).toEqual([]);
  });

  it('publishes with --yes: public, with the run attached, progress on stderr', async () => {
    const result = await publish(['--yes', '--public', '--with-run', '--message', 'SmolLM2 on tickets']);
    expect(result.stderr).toContain('Created the public model repo me/smol.\nSending large files…\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Published 4 files to the public model repo me/smol (created): ${hub.url}/me/smol`);
    expect(hub.publish.created).toEqual([{ kind: 'model', id: 'me/smol', private: false }]);
    const [commit] = hub.publish.commits;
    expect(commit!.title).toBe('SmolLM2 on tickets');
    expect(commit!.files.map((file) => [file.path, file.lfs])).toEqual([
      ['config.json', false],
      ['model.safetensors', true],
      [`looplab/${runId}.looplab.gz`, true],
      ['README.md', true],
    ]);
    expect(commit!.text['README.md']).toContain(
      `looplab import looplab/${runId}.looplab.gz\nlooplab replay ${runId}\n`,
    );
  });

  it('says where to set a token when there is none', async () => {
    const result = await publish(['--yes'], '');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'looplab: Publishing to the Hub needs a Hugging Face token with write access.\nSet HF_TOKEN to a token with write access (https://huggingface.co/settings/tokens), or save one in Settings → Hugging Face.',
    );
    expect(hub.requests).toEqual([]);
  });
});
