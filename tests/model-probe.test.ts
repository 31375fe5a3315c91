// A model's probe through the real `ollama` client against the fake Ollama, and `looplab models probe` as
// a person types it: four checks (calls a tool, follows a tool result, recovers from a tool error, stops
// when done), each judged with a line a person reads; a call written as text counts and is noted; the
// result is stored in the data folder and a broken store is named and ignored; a server that is down
// says so.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { probeModel } from '../src/main/runs/model-probe';
import { probeFile, readProbes, saveProbe } from '../src/main/runs/model-probe-store';
import { modelResolver } from '../src/main/runs/readiness';
import { closedPort } from './fakes/collect';
import type { FakeServer } from './fakes/http-fake';
import { startOllamaServer } from './fakes/ollama-server';
import type { Turn } from './fakes/script';
import { capableProbeModel, loopingProbeModel, proseProbeModel } from './fixtures/probe-models';
import { runCli } from './helpers/cli';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const MODEL = 'ollama/qwen2.5-coder:7b';

let server: FakeServer | undefined;
let home: TempHome | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  home?.remove();
  home = undefined;
});

async function probeWith(turns: Turn[]) {
  server = await startOllamaServer({ turns });
  home = makeTempHome();
  return probeModel(modelResolver(home.paths, { OLLAMA_HOST: server.url }), MODEL);
}

const chats = () =>
  server!.requests
    .filter((request) => request.path === '/api/chat')
    .map(
      (request) =>
        request.body as {
          messages: { role: string; content: string }[];
          tools: { function: { name: string } }[];
          options: { temperature?: number };
        },
    );

describe('a model probe through the ollama client', () => {
  it('passes a model that calls, follows, recovers and stops, counting a call it wrote as text', async () => {
    const report = await probeWith(capableProbeModel());
    expect(report.checks.map(({ id, passed, verdict }) => [id, passed, verdict])).toEqual([
      ['calls_tool', true, 'called add(a=2, b=3) as asked'],
      [
        'follows_result',
        true,
        "used the tool's answer 37 in the next call, add(a=37, b=10) (written as text, recovered: hermes)",
      ],
      ['recovers_error', true, 'retried with corrected arguments, lookup(key="apples")'],
      ['stops_when_done', true, 'answered without another call ("The sum of 2 and 3 is 5.")'],
    ]);
    expect(report.checks[1]!.recoveredFrom).toBe('hermes');
    expect([report.passed, report.total]).toEqual([4, 4]);
    expect(report.recommendation).toBe('Suitable for runs; it writes its tool calls as text, which Looplab recovers.');
    for (const check of report.checks) expect(check.latencyMs).toBeGreaterThanOrEqual(0);

    // What the model was shown: each check's conversation up to the step judged, with the tools it offers.
    const sent = chats();
    expect(sent.map((chat) => chat.tools.map((tool) => tool.function.name))).toEqual([
      ['add'],
      ['lookup', 'add'],
      ['lookup'],
      ['add'],
    ]);
    expect(sent[1]!.messages.at(-1)).toMatchObject({ role: 'tool', content: '37' });
    expect(sent[2]!.messages.at(-1)!.content).toContain('no number is stored under "APPLES"');
    expect(sent[3]!.messages.at(-1)).toMatchObject({ role: 'tool', content: '5' });
    // The model's profile applies as in a run: qwen2.5-coder's built-in temperature.
    expect(sent.map((chat) => chat.options.temperature)).toEqual([0.2, 0.2, 0.2, 0.2]);
  });

  it('probes a model whose profile sends tools as text, recovering each call it writes', async () => {
    const written = (name: string, args: Record<string, unknown>): Turn => ({
      text: [`<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`],
    });
    server = await startOllamaServer({
      turns: [
        written('add', { a: 2, b: 3 }),
        written('add', { a: 37, b: 10 }),
        written('lookup', { key: 'apples' }),
        { text: ['The sum is 5.'] },
      ],
    });
    home = makeTempHome();
    writeFileSync(home.paths.settings, JSON.stringify({ modelProfiles: { [MODEL]: { tools: 'text' } } }));
    const report = await probeModel(modelResolver(home.paths, { OLLAMA_HOST: server.url }), MODEL);
    expect(report.checks.map((check) => [check.passed, check.recoveredFrom])).toEqual([
      [true, 'hermes'],
      [true, 'hermes'],
      [true, 'hermes'],
      [true, undefined],
    ]);
    const sent = server.requests.filter((request) => request.path === '/api/chat');
    const first = sent[0]!.body as { tools?: unknown[]; messages: { content: string }[] };
    expect(first.tools ?? []).toEqual([]);
    expect(first.messages[0]!.content).toContain('- add: Adds two integers and returns the sum.');
  });

  it('judges a thinking model by its answer, not its reasoning', async () => {
    const thinking = capableProbeModel().map((turn) => ({ ...turn, thinking: ['I should call add(9, 9) first.'] }));
    const report = await probeWith(thinking);
    expect(report.checks.map((check) => check.passed)).toEqual([true, true, true, true]);
    expect(report.checks[3]!.verdict).toBe('answered without another call ("The sum of 2 and 3 is 5.")');
  });

  it('fails the checks of a model that repeats a failing call and never stops calling', async () => {
    const report = await probeWith(loopingProbeModel);
    expect(report.checks.map(({ passed, verdict }) => [passed, verdict])).toEqual([
      [true, 'called add(a=2, b=3) as asked'],
      [true, "used the tool's answer 37 in the next call, add(a=10, b=37)"],
      [false, 'repeated the failing call lookup(key="APPLES") after the error'],
      [false, 'called add(a=2, b=3) again after the task was done'],
    ]);
    expect(report.passed).toBe(2);
    expect(report.recommendation).toBe(
      'Usable with care: it does not recover from a tool error, and does not stop when done. Watch its runs, or choose another model.',
    );
  });

  it('fails a model that answers in prose as one that cannot drive the loop', async () => {
    const report = await probeWith(proseProbeModel);
    expect(report.checks.map(({ passed, verdict }) => [passed, verdict])).toEqual([
      [false, 'answered in words instead of calling the tool ("The sum of 2 and 3 is 5.")'],
      [false, 'answered without using the tool\'s answer 37 ("I would look it up first.")'],
      [false, 'gave up after the tool\'s error ("Sorry, I could not find it.")'],
      [true, 'answered without another call ("The sum is 5.")'],
    ]);
    expect(report.recommendation).toMatch(/^Not suitable: it does not call tools as asked/);
  });
});

describe('stored probe results', () => {
  it('keeps the latest probe of each model across reads', async () => {
    const first = await probeWith(capableProbeModel());
    saveProbe(home!.paths, first);
    const other = { ...first, model: 'ollama/llama3.2:3b', passed: 2 };
    saveProbe(home!.paths, other);
    const later = { ...first, probedAt: '2026-12-07T09:00:00.000Z' };
    saveProbe(home!.paths, later);
    expect(readProbes(home!.paths)).toEqual({ probes: { [MODEL]: later, 'ollama/llama3.2:3b': other } });
    expect(JSON.parse(readFileSync(probeFile(home!.paths), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('names a broken file and ignores it, and the next probe replaces it', async () => {
    home = makeTempHome();
    writeFileSync(probeFile(home.paths), '{"version": 1, "probes": {"ollama/x": {"model": 3}}}');
    const broken = readProbes(home.paths);
    expect(broken.probes).toEqual({});
    expect(broken.notice).toContain(`The stored probe results in ${probeFile(home.paths)} could not be read`);
    expect(broken.notice).toContain(
      '(probes.ollama/x.model: Invalid input: expected string, received number and 5 more problems)',
    );
    writeFileSync(probeFile(home.paths), '{"version": 1, "probes": {');
    expect(readProbes(home.paths).notice).toContain('not valid JSON');
    const report = {
      model: MODEL,
      probedAt: '2026-12-02T10:00:00.000Z',
      checks: [],
      passed: 0,
      total: 4,
      recommendation: 'x',
    };
    saveProbe(home.paths, report);
    expect(readProbes(home.paths)).toEqual({ probes: { [MODEL]: report } });
  });
});

describe('looplab models probe', () => {
  it('prints each check and the overall, stores the result, and fails when a check failed', async () => {
    server = await startOllamaServer({ turns: [...capableProbeModel(), ...loopingProbeModel] });
    home = makeTempHome();
    const env = { OLLAMA_HOST: server.url };
    const args = ['models', 'probe', MODEL, '--home', home.paths.root];
    writeFileSync(probeFile(home.paths), 'not json');
    const good = await runCli(args, { env });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const lines = good.stdout.split('\n');
    expect(lines[0]).toBe(`Probing ${MODEL}: four short tool-calling checks.`);
    expect(lines[1]).toMatch(/^ {2}pass {2}calls a tool +called add\(a=2, b=3\) as asked \(\d+ ms\)$/);
    expect(lines[2]).toMatch(
      /^ {2}pass {2}follows a tool result +.*\(written as text, recovered: hermes\) \(\d+ ms\)$/,
    );
    expect(lines[3]).toMatch(/^ {2}pass {2}recovers from a tool error +retried with corrected arguments/);
    expect(lines[4]).toMatch(/^ {2}pass {2}stops when done +answered without another call/);
    expect(lines[5]).toBe(
      `${MODEL}: 4/4 checks passed. Suitable for runs; it writes its tool calls as text, which Looplab recovers.`,
    );
    expect(lines[6]).toMatch(/^The stored probe results in .* could not be read \(not valid JSON/);
    expect(lines[7]).toBe(`Stored in ${probeFile(home.paths)}; the start form shows it beside the model.`);
    expect(readProbes(home.paths).probes[MODEL]?.passed).toBe(4);

    const bad = await runCli([...args, '--json'], { env });
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as { passed: number; checks: { id: string; passed: boolean }[] };
    expect(report.passed).toBe(2);
    expect(report.checks.filter((check) => !check.passed).map((check) => check.id)).toEqual([
      'recovers_error',
      'stops_when_done',
    ]);
    expect(readProbes(home.paths).probes[MODEL]?.passed).toBe(2);
  });

  it('says clearly when Ollama is down', async () => {
    home = makeTempHome();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const down = await runCli(['models', 'probe', MODEL, '--home', home.paths.root], { env: { OLLAMA_HOST: url } });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`${MODEL} is not ready: Ollama at ${url} is not answering`);
    expect(down.stderr).toContain('ollama serve');
    expect(readProbes(home.paths)).toEqual({ probes: {} });
  });
});
