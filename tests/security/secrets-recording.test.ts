// Secrets while a run is recorded, as a person would meet them: `looplab run` against a fake Ollama on
// 127.0.0.1, with a key in a variable named like one (MY_SERVICE_TOKEN) and a key in the secret store. The
// model repeats both plainly, base64-encoded, hex, URL-encoded and reversed, in its words and in a tool
// call's arguments, and the command prints them again from the environment. No form of either key may be
// anywhere in the data folder, on the terminal, or in what the model is sent next; nor in the output of an
// evaluation gate that printed one.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/main/app';
import { createFork, forkPoint } from '../../src/main/runs/fork';
import { recordableGoal } from '../../src/main/runs/run-deps';
import { headlessSecretStore } from '../../src/main/settings/secret-store';
import type { FakeServer } from '../fakes/http-fake';
import { startOllamaServer } from '../fakes/ollama-server';
import type { Turn } from '../fakes/script';
import { runCli, TEST_SANDBOX_IMAGE, type CliResult } from '../helpers/cli';
import { requireDocker, skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const MODEL = 'ollama/qwen2.5-coder:7b';
/** Not shaped like any well-known token: only its name says it is a secret. */
const SERVICE_TOKEN = 'svc/Hq2vX9+pL4mN8rT1wQ=zK';
/** Kept in the secret store, named in no environment at all. */
const STORED_KEY = 'store-key-Zr7Qm2Lp9Xv4Tn6Bw1';

/** The forms a key was written in, each as a string that any text carrying that form contains. */
function formsOf(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    plain: secret,
    reversed: [...secret].reverse().join(''),
    hex: bytes.toString('hex'),
    'upper-case hex': bytes.toString('hex').toUpperCase(),
    'URL-encoded': encodeURIComponent(secret),
    // The first 16 characters depend on the key alone, with or without a newline after it.
    base64: bytes.toString('base64').slice(0, 16),
    'URL-safe base64': bytes.toString('base64url').slice(0, 16),
  };
}

const forms = [...Object.entries(formsOf(SERVICE_TOKEN)), ...Object.entries(formsOf(STORED_KEY))];

/** Every form of either key found in the text, by name: what a test expects to be empty. */
function leaks(text: string): string[] {
  return forms.filter(([, form]) => text.includes(form)).map(([name, form]) => `${name} (${form})`);
}

/** Every form found in any file of the data folder (the database, its WAL, blobs/, workspaces…), by file. */
function leaksInFolder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .flatMap((entry) => {
      const file = join(entry.parentPath, entry.name);
      return leaks(readFileSync(file).toString('latin1')).map((leak) => `${file}: ${leak}`);
    });
}

/** The keys in every form, as the model writes them. */
function allForms(secret: string): string {
  const found = formsOf(secret);
  const bytes = Buffer.from(secret, 'utf8');
  return [
    found.plain,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    found.hex,
    found['URL-encoded'],
    found.reversed,
  ].join(' ');
}

let home: TempHome;
let server: FakeServer | undefined;

beforeEach(() => {
  home = makeTempHome();
  headlessSecretStore(home.paths).set('my-endpoint', STORED_KEY);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
});

async function fakeOllama(turns: Turn[]): Promise<NodeJS.ProcessEnv> {
  server = await startOllamaServer({ turns });
  return { OLLAMA_HOST: server.url, LOOPLAB_HOME: home.paths.root, MY_SERVICE_TOKEN: SERVICE_TOKEN };
}

function chats(): unknown[] {
  return server!.requests.filter((request) => request.path === '/api/chat').map((request) => request.body);
}

/** A command that prints the service token from its environment, encoded every way, and both keys as given. */
const PRINT_KEYS = [
  'echo "plain $MY_SERVICE_TOKEN"',
  'echo "$MY_SERVICE_TOKEN" | base64',
  `python3 -c "import os, base64, urllib.parse as u; t = os.environ['MY_SERVICE_TOKEN']; b = t.encode(); print(base64.b64encode(b).decode(), base64.urlsafe_b64encode(b).decode(), b.hex(), u.quote(t, safe=''), t[::-1])"`,
  `echo '${allForms(SERVICE_TOKEN)}'`,
  `echo '${allForms(STORED_KEY)}'`,
].join('; ');

describe('secrets while a run is recorded', () => {
  it('keeps every form of a key named like a secret, and of a stored key, out of the folder, the terminal and the model', async () => {
    const said = `Here they are: ${allForms(SERVICE_TOKEN)} and ${allForms(STORED_KEY)}.`;
    const env = await fakeOllama([
      {
        // The words stream in pieces that cut the keys in two.
        text: [said.slice(0, 20), said.slice(20, 60), said.slice(60)],
        toolCalls: [{ name: 'bash', arguments: { command: PRINT_KEYS } }],
      },
      { text: [`Done; the key was ${SERVICE_TOKEN}.`] },
    ]);
    const result: CliResult = await runCli(
      ['run', '--model', MODEL, '--host-exec', '--approve', 'auto', '--json', 'Print the keys'],
      { env },
    );
    expect(result.code).toBe(0);
    expect(leaks(result.stderr)).toEqual([]);
    // The model's words were printed, with the keys redacted.
    expect(result.stderr).toContain('Here they are: [redacted]');
    expect(leaks(result.stdout)).toEqual([]);
    expect(leaksInFolder(home.paths.root)).toEqual([]);
    // What the model is sent back: its own words and the command's output, redacted.
    const [, next] = chats();
    expect(JSON.stringify(next)).toContain('[redacted]');
    expect(leaks(JSON.stringify(chats()))).toEqual([]);
    // The command did print the keys: it is the recording that left them out.
    expect(JSON.stringify(next)).toContain('plain [redacted]');

    // Exported from a shell that has never heard of the token, the run is as clean as it was recorded.
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    const file = join(mkdtempSync(join(tmpdir(), 'looplab-export-')), 'run.looplab.gz');
    const exported = await runCli(['export', runId, '-o', file], { env: { LOOPLAB_HOME: home.paths.root } });
    expect(exported.code).toBe(0);
    const archive = gunzipSync(readFileSync(file)).toString('utf8');
    rmSync(dirname(file), { recursive: true, force: true });
    expect(archive).toContain('plain [redacted]');
    expect(leaks(archive)).toEqual([]);
  });
});

describe('secrets a person writes', () => {
  afterEach(() => delete process.env.MY_SERVICE_TOKEN);

  it('redacts the message that starts a fork, as it does a goal', async () => {
    process.env.MY_SERVICE_TOKEN = SERVICE_TOKEN;
    const app = createApp({ home: home.paths.root, ui: 'web' });
    try {
      const { runId } = app.store.createRun({ goal: 'Parent', model: 'driven/model', origin: 'new' });
      const folder = join(home.paths.workspaces, runId);
      mkdirSync(folder, { recursive: true });
      const snapshot = await app.snapshots.capture(runId, folder, {});
      app.store.append(runId, [{ type: 'workspace.snapshot', payload: snapshot! }]);
      const message = `Use ${SERVICE_TOKEN} and ${STORED_KEY} from now on.`;
      const point = forkPoint(app, runId, 1, { message });
      const childId = await createFork(app, point, { model: 'driven/model', message });
      const said = app.store.loadEvents(childId).find((event) => event.type === 'message.user');
      expect(said?.payload).toEqual({ text: 'Use [redacted] and [redacted] from now on.', source: 'person' });
    } finally {
      app.close();
    }
    expect(leaksInFolder(home.paths.root)).toEqual([]);
  });
});

describe('secrets of the MCP servers in settings.json', () => {
  it('redacts the value of a server variable named like a secret from what a run records', () => {
    const password = 'mcp-db-Pw7Qz2Lx9Vr4Kt';
    writeFileSync(
      home.paths.settings,
      JSON.stringify({
        mcpServers: [{ name: 'db', transport: 'stdio', command: 'db-server', env: { DB_PASSWORD: password } }],
      }),
    );
    const app = createApp({ home: home.paths.root, ui: 'web' });
    try {
      expect(recordableGoal(`Connect with ${password}`, app)).toBe('Connect with [redacted]');
    } finally {
      app.close();
    }
  });
});

describe.skipIf(skipDocker)('secrets in an evaluation gate', () => {
  let specDir: string;
  beforeAll(() => requireDocker());
  beforeEach(() => {
    specDir = mkdtempSync(join(tmpdir(), 'looplab-spec-'));
    mkdirSync(join(specDir, 'heldout'));
    // A scorer that prints the keys (as a misconfigured one printing its credentials would) and fails.
    writeFileSync(
      join(specDir, 'heldout', 'score.py'),
      `print("service ${allForms(SERVICE_TOKEN)}")\nprint("stored ${allForms(STORED_KEY)}")\nraise SystemExit(1)\n`,
    );
  });
  afterEach(() => rmSync(specDir, { recursive: true, force: true }));

  it('redacts a failed evaluation output with every known secret', async () => {
    const file = join(specDir, 'loop.yaml');
    writeFileSync(
      file,
      `name: leaky-scorer
goal: Finish at once.
evaluation:
  command: python3 /heldout/score.py
  metric: accuracy
  heldOut: [ heldout/score.py ]
  retry: { maxAttempts: 1 }
`,
    );
    const env = await fakeOllama([{ text: ['Done.'] }]);
    const result = await runCli(['run', '--spec', file, '--approve', 'auto', '--json'], { env });
    expect(result.code).toBe(0);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    const shown = JSON.parse((await runCli(['show', runId, '--json'], { env })).stdout) as {
      events: { type: string; payload: { output?: string } }[];
    };
    const failed = shown.events.find((event) => event.type === 'evaluation.failed');
    expect(failed?.payload.output).toContain('service [redacted]');
    expect(leaks(JSON.stringify(shown))).toEqual([]);
    expect(leaks(result.stderr)).toEqual([]);
    expect(leaksInFolder(home.paths.root)).toEqual([]);
  });
});

describe.skipIf(skipDocker)('secrets in what the app streams', () => {
  beforeAll(() => requireDocker());
  afterEach(() => {
    for (const name of ['OLLAMA_HOST', 'LOOPLAB_SANDBOX_IMAGE', 'MY_SERVICE_TOKEN']) delete process.env[name];
  });

  it("pushes the model's words and a command's output to the UI redacted, however they are cut", async () => {
    const said = `Streaming ${allForms(SERVICE_TOKEN)} and ${allForms(STORED_KEY)} now.`;
    Object.assign(
      process.env,
      await fakeOllama([
        {
          text: [said.slice(0, 13), said.slice(13, 31), said.slice(31, 80), said.slice(80)],
          toolCalls: [
            {
              name: 'bash',
              arguments: { command: `echo '${allForms(SERVICE_TOKEN)}'; echo '${allForms(STORED_KEY)}'` },
            },
          ],
        },
        { text: ['Done.'] },
      ]),
    );
    process.env.LOOPLAB_SANDBOX_IMAGE = TEST_SANDBOX_IMAGE;
    const app = createApp({ home: home.paths.root, ui: 'web' });
    const pushed: { channel: string; payload: unknown }[] = [];
    app.pushes.subscribe((channel, payload) => pushed.push({ channel, payload }));
    try {
      const run = await app.runs.start({ goal: 'Stream the keys', model: MODEL });
      expect(await app.runs.settled(run.id)).toMatchObject({ status: 'finished' });
    } finally {
      await app.shutdown();
    }
    const streamed = (channel: string) =>
      pushed
        .filter((push) => push.channel === channel)
        .map((push) => (push.payload as { text: string }).text)
        .join('');
    expect(streamed('run.delta')).toContain('Streaming [redacted]');
    expect(streamed('run.output')).toContain('[redacted]');
    expect(leaks(JSON.stringify(pushed))).toEqual([]);
    expect(leaksInFolder(home.paths.root)).toEqual([]);
  });
});

describe.skipIf(skipDocker)('secrets in what a job records and streams', () => {
  beforeAll(() => requireDocker());
  afterEach(() => {
    for (const name of ['LOOPLAB_SANDBOX_IMAGE', 'MY_SERVICE_TOKEN']) delete process.env[name];
  });

  it("redacts a job's command as recorded and its log lines as pushed", async () => {
    process.env.LOOPLAB_SANDBOX_IMAGE = TEST_SANDBOX_IMAGE;
    process.env.MY_SERVICE_TOKEN = SERVICE_TOKEN;
    const app = createApp({ home: home.paths.root, ui: 'web' });
    const pushed: { channel: string; payload: unknown }[] = [];
    app.pushes.subscribe((channel, payload) => pushed.push({ channel, payload }));
    try {
      const { runId } = app.store.createRun({ goal: 'A job', model: 'driven/model', origin: 'new' });
      const workspaceFolder = join(home.paths.workspaces, runId);
      mkdirSync(workspaceFolder, { recursive: true });
      const command = `echo '${allForms(SERVICE_TOKEN)}'; echo '${allForms(STORED_KEY)}'`;
      const { jobId } = await app.jobs.start({ runId, workspaceFolder }, { command, gpu: false, timeoutSeconds: 60 });
      await app.jobs.settled(jobId);
      const recorded = JSON.stringify(app.store.loadEvents(runId));
      expect(recorded).toContain('"command":"echo \'[redacted]');
      expect(leaks(recorded)).toEqual([]);
    } finally {
      await app.shutdown();
    }
    const lines = pushed.filter((push) => push.channel === 'run.output');
    expect(JSON.stringify(lines)).toContain('[redacted]');
    expect(leaks(JSON.stringify(pushed))).toEqual([]);
    // The database holds none (the job's own log file is in its workspace, as the job wrote it).
    for (const file of readdirSync(home.paths.root).filter((name) => name.startsWith('looplab.db')))
      expect(leaks(readFileSync(join(home.paths.root, file)).toString('latin1'))).toEqual([]);
  });
});
