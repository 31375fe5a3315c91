// `looplab export`, `import` and `compare` as a person runs them: a run moved to an empty data folder
// comes back identical (id, events, seqs, times, blobs, summary); secrets from the environment never
// reach the file; a damaged, cut or foreign file is refused and adds nothing; OpenTelemetry spans.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/open-store';
import { importRun } from '../src/main/store/run-archive';
import { loopConfigSchema } from '../src/shared/loop-config';
import type { RunEvent } from '../src/shared/events';
import { LARGE_OUTPUT_MARKER, recordSampleRun, sampleCreated, sampleRunDrafts } from './fixtures/sample-run';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const SECRET = 'sk-test-0123456789abcdefghijklmnopqrstu';
const CUSTOM_SECRET = 'vault-credential-7f3a9c2e41b8';
let source: TempHome;
let target: TempHome;

beforeEach(() => {
  source = makeTempHome();
  target = makeTempHome();
});

afterEach(() => {
  source.remove();
  target.remove();
});

/** The sample run as Looplab records it (an approval shows the whole call), plus a tool output that printed the environment's secrets. */
function recordRunWithSecrets(): string {
  const { store, close } = openStore(source.paths);
  const runId = store.createRun(sampleCreated(), 1_700_000_000_000).runId;
  store.append(
    runId,
    sampleRunDrafts().map((draft) =>
      draft.type === 'approval.requested'
        ? { ...draft, payload: { ...draft.payload, summary: 'write train.py (18 bytes)\nprint("training")\n' } }
        : draft,
    ),
  );
  store.append(runId, [
    {
      type: 'model.finished',
      payload: {
        callId: 'call_m4',
        text: '',
        toolCalls: [{ id: 'call_env', name: 'bash', args: { command: 'env' } }],
        finishReason: 'tool_calls',
        usage: { inputTokens: 10, outputTokens: 5, cost: 0 },
      },
    },
    { type: 'tool.started', payload: { callId: 'call_env', tool: 'bash', args: { command: 'env' } } },
    {
      type: 'tool.finished',
      payload: {
        callId: 'call_env',
        output: `OPENAI_API_KEY=${SECRET}\nVAULT_TOKEN=${CUSTOM_SECRET}\n${'x'.repeat(9000)}\n${SECRET}`,
        isError: false,
      },
    },
  ]);
  close();
  return runId;
}

function snapshot(home: TempHome, runId: string) {
  const { store, close } = openStore(home.paths);
  try {
    const events = store.loadEvents(runId, { blobs: 'ref' });
    const blobs = events.flatMap(
      (event) =>
        JSON.stringify(event.payload)
          .match(/[0-9a-f]{64}/g)
          ?.map((hash) => [hash, store.readBlob(hash)] as const) ?? [],
    );
    return { run: store.getRun(runId), events, blobs };
  } finally {
    close();
  }
}

const env = { OPENAI_API_KEY: SECRET, VAULT_TOKEN: CUSTOM_SECRET };

describe('looplab export / import', () => {
  it('moves a run to an empty data folder exactly, secrets removed', { timeout: 120_000 }, async () => {
    const runId = recordRunWithSecrets();
    const file = join(source.paths.root, 'run.looplab.gz');
    const exported = await runCli(['--home', source.paths.root, 'export', runId, '-o', file], { env });
    expect(exported).toMatchObject({ code: 0, stdout: `Wrote ${runId} to ${file}\n` });
    const bytes = readFileSync(file);
    const text = gunzipSync(bytes).toString('utf8');
    for (const secret of [SECRET, CUSTOM_SECRET]) {
      expect(text).not.toContain(secret);
      expect(bytes.includes(secret)).toBe(false);
    }
    expect(text).toContain(LARGE_OUTPUT_MARKER);

    const imported = await runCli(['--home', target.paths.root, 'import', file]);
    expect(imported).toMatchObject({ code: 0, stdout: `Imported ${runId} (26 events, finished)\n` });
    const before = snapshot(source, runId);
    const after = snapshot(target, runId);
    // Everything is the same but the one output that carried the secrets, which is redacted.
    const redactedSeq = 25;
    const unchanged = (events: RunEvent[]) => events.filter((event) => event.seq !== redactedSeq);
    expect(unchanged(after.events)).toEqual(unchanged(before.events));
    expect(after.events.map((event) => [event.seq, event.time, event.type])).toEqual(
      before.events.map((event) => [event.seq, event.time, event.type]),
    );
    expect(after.run).toEqual(before.run);
    expect(after.blobs.filter(([, text]) => !text.includes('[redacted]'))).toEqual(
      before.blobs.filter(([, text]) => !text.includes(SECRET)),
    );
    const { store, close } = openStore(target.paths);
    const output = store.loadEvents(runId).at(-1)!;
    close();
    expect(output.payload).toMatchObject({
      output: `OPENAI_API_KEY=[redacted]\nVAULT_TOKEN=[redacted]\n${'x'.repeat(9000)}\n[redacted]`,
    });
  });

  it('imports a run that names MCP servers only when the person says they trust them', async () => {
    const { store, close } = openStore(source.paths);
    const runId = store.createRun({
      goal: 'Use the calculator server',
      model: 'ollama/qwen2.5-coder:7b',
      origin: 'new',
      config: loopConfigSchema.parse({
        mcpServers: [{ name: 'calc', transport: 'stdio', command: 'node', args: ['calc-server.js'] }],
      }),
    }).runId;
    close();
    const file = join(source.paths.root, 'mcp.looplab');
    expect((await runCli(['--home', source.paths.root, 'export', runId, '-o', file])).code).toBe(0);
    const refused = await runCli(['--home', target.paths.root, 'import', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'This run names MCP servers that would start on this machine when it is resumed, replayed or forked: calc (node calc-server.js). Nothing was imported.',
    );
    expect(refused.stderr).toContain('--allow-mcp');
    expect((await runCli(['--home', target.paths.root, 'runs', '--json'])).stdout).toBe('[]\n');
    const allowed = await runCli(['--home', target.paths.root, 'import', file, '--allow-mcp']);
    expect(allowed.stdout).toContain(`Imported ${runId}`);
  });

  it(
    'refuses a run that is already there, a cut file, a damaged file and another version, adding nothing',
    { timeout: 120_000 },
    async () => {
      const runId = recordRunWithSecrets();
      const file = join(source.paths.root, 'run.looplab.gz');
      await runCli(['--home', source.paths.root, 'export', runId, '-o', file]);
      const bytes = readFileSync(file);
      const lines = gunzipSync(bytes).toString('utf8').split('\n');
      const variants: [string, Buffer][] = [
        ['cut.gz', bytes.subarray(0, Math.floor(bytes.length / 2))],
        ['lines.gz', gzipSync(lines.filter((_, index) => index !== 3).join('\n'))],
        ['edited.gz', gzipSync(lines.join('\n').replace('macro F1 0.81', 'macro F1 0.99'))],
        ['v9.gz', gzipSync(lines.join('\n').replace('"version":1', '"version":9'))],
        ['plain.txt', Buffer.from('hello')],
      ];
      const { store, close } = openStore(target.paths);
      const messages = variants.map(([, content]) => {
        try {
          importRun(store, content);
          return 'imported';
        } catch (error) {
          return (error as Error).message;
        }
      });
      close();
      expect(messages).toEqual([
        'This is not a complete Looplab run file: it cannot be decompressed (unexpected end of file).',
        'This is not a complete Looplab run file: it has a different number of lines than it says.',
        'This is not a complete Looplab run file: its checksum does not match.',
        'This run file has format version 9; this Looplab reads version 1.',
        'This is not a complete Looplab run file: it cannot be decompressed (incorrect header check).',
      ]);
      const cut = join(target.paths.root, 'cut.gz');
      writeFileSync(cut, variants[0]![1]);
      const result = await runCli(['--home', target.paths.root, 'import', cut]);
      expect(result).toMatchObject({
        code: 2,
        stderr:
          'looplab: This is not a complete Looplab run file: it cannot be decompressed (unexpected end of file).\nExport the run again (looplab export <run-id>) and copy the whole file.\n',
      });
      expect(JSON.parse((await runCli(['--home', target.paths.root, 'runs', '--json'])).stdout)).toEqual([]);

      const twice = await runCli(['--home', source.paths.root, 'import', file]);
      expect(twice.code).toBe(1);
      expect(twice.stderr).toBe(
        `looplab: ${runId} is already in this data folder.\nNothing was imported. Delete that run first, or import into another data folder (--home).\n`,
      );
    },
  );

  it(
    'writes OpenTelemetry GenAI spans, one per model call and tool call, secrets removed',
    { timeout: 120_000 },
    async () => {
      const runId = recordRunWithSecrets();
      const file = join(source.paths.root, 'spans.json');
      const result = await runCli(['--home', source.paths.root, 'export', runId, '--format', 'otel', '-o', file], {
        env,
      });
      expect(result.code).toBe(0);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(CUSTOM_SECRET);
      const trace = JSON.parse(text) as {
        resourceSpans: {
          scopeSpans: {
            spans: {
              name: string;
              parentSpanId?: string;
              attributes: { key: string; value: Record<string, unknown> }[];
            }[];
          }[];
        }[];
      };
      const spans = trace.resourceSpans[0]!.scopeSpans[0]!.spans;
      expect(spans.map((span) => span.name)).toEqual([
        'invoke_agent looplab',
        'chat qwen2.5-coder:7b',
        'execute_tool bash',
        'execute_tool write',
        'chat qwen2.5-coder:7b',
        'execute_tool job_start',
        'chat qwen2.5-coder:7b',
        'chat qwen2.5-coder:7b',
        'execute_tool bash',
      ]);
      const attributes = (index: number) =>
        Object.fromEntries(
          spans[index]!.attributes.map((attribute) => [attribute.key, Object.values(attribute.value)[0]]),
        );
      expect(attributes(1)).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'ollama',
        'gen_ai.request.model': 'qwen2.5-coder:7b',
        'gen_ai.usage.input_tokens': '1200',
        'gen_ai.usage.output_tokens': '80',
      });
      expect(attributes(2)).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'bash',
        'gen_ai.tool.call.id': 'call_t1',
      });
      // The tool's output is there, its secrets replaced: not merely absent.
      const envSpan = spans.findIndex((_span, index) => attributes(index)['gen_ai.tool.call.id'] === 'call_env');
      expect(attributes(envSpan)['gen_ai.tool.call.result']).toMatch(
        /^OPENAI_API_KEY=\[redacted\]\nVAULT_TOKEN=\[redacted\]\nx{9000}\n\[redacted\]/,
      );
      expect(spans.slice(1).every((span) => span.parentSpanId === (spans[0] as { spanId?: string }).spanId)).toBe(true);
    },
  );
});

describe('looplab compare', () => {
  it('puts two runs side by side and names the first differing step', { timeout: 120_000 }, async () => {
    const { store, close } = openStore(source.paths);
    const a = recordSampleRun(store);
    const b = recordSampleRun(store, 'Train a TF-IDF baseline again', 1_800_000_000_000);
    store.append(b, [
      { type: 'tool.started', payload: { callId: 'call_x', tool: 'bash', args: { command: 'ls' } } },
      { type: 'tool.finished', payload: { callId: 'call_x', output: 'train.py', isError: false } },
    ]);
    close();
    const result = await runCli(['--home', source.paths.root, 'compare', a, b]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The runs diverge at step 7 of 7.');
    expect(result.stdout).toContain('   7 > —  |  bash {"command":"ls"}  ← first difference');
    expect(result.stdout).toMatch(/evaluation macro_f1\s+0\.81\s+0\.81/);
    const json = JSON.parse((await runCli(['--home', source.paths.root, 'compare', a, b, '--json'])).stdout) as {
      firstDivergence: number;
    };
    expect(json.firstDivergence).toBe(6);
  });
});
