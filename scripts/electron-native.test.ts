// The start-up helpers without network: the ABI check that keeps a Node-built better-sqlite3 out of Electron,
// the cached-binary path, and the Docker / Ollama checks against real servers on loopback and a unix socket.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDocker,
  checkOllama,
  describeDocker,
  describeOllama,
  dockerEndpoint,
  normalizeOllamaHost,
} from './doctor.mjs';
import {
  buildEnv,
  electronAbi,
  electronBindingPath,
  ensureElectronSqlite,
  verifyElectronBinding,
} from './electron-native.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeBuiltSqlite = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const electronVersion = '40.8.5';

const scratch = mkdtempSync(join(tmpdir(), 'looplab-start-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A minimal native module that registers itself with a given NODE_MODULE_VERSION, the way every addon built
 * with node.h does: what a better-sqlite3 built for Electron looks like to plain Node.
 */
function compileModuleForAbi(abi: string, file: string): void {
  const source = join(scratch, `abi-${abi}.c`);
  writeFileSync(
    source,
    `struct node_module { int version; unsigned int flags; void *dso; const char *file; void *reg; void *ctx_reg;
       const char *name; void *priv; void *link; };
     extern void node_module_register(void *);
     static struct node_module module = { ${abi}, 0, 0, "abi.c", 0, 0, "abi", 0, 0 };
     __attribute__((constructor)) static void register_module(void) { node_module_register(&module); }\n`,
  );
  const platformFlags = process.platform === 'darwin' ? ['-undefined', 'dynamic_lookup'] : [];
  mkdirSync(dirname(file), { recursive: true });
  execFileSync('cc', ['-shared', '-fPIC', ...platformFlags, '-o', file, source]);
}

function hasCompiler(): boolean {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return process.platform !== 'win32';
  } catch {
    return false;
  }
}

describe('better-sqlite3 for Electron', () => {
  it("knows Electron 40's ABI", () => {
    expect(electronAbi(electronVersion, root)).toBe('143');
  });

  it('rejects a binary built for Node, names both ABIs and leaves the file alone', () => {
    const nodeAbi = process.versions.modules;
    expect(() => verifyElectronBinding(nodeBuiltSqlite, '143')).toThrow(
      `${nodeBuiltSqlite} was built for Node (it loads in Node ${process.version}, NODE_MODULE_VERSION ${nodeAbi}), ` +
        "not for Electron (NODE_MODULE_VERSION 143). node-gyp used Node's headers: is `nodedir` set in ~/.npmrc " +
        'or npm_config_nodedir in the environment?',
    );
    expect(existsSync(nodeBuiltSqlite)).toBe(true);
  });

  it('rejects a file that is no native module', () => {
    const file = join(scratch, 'not-a-module.node');
    writeFileSync(file, 'not an ELF file');
    expect(() => verifyElectronBinding(file, '143')).toThrow(/is not a loadable native module \(.+\)/);
  });

  it.skipIf(!hasCompiler())('rejects a binary built for another Electron', () => {
    const file = join(scratch, 'abi-140.node');
    compileModuleForAbi('140', file);
    expect(() => verifyElectronBinding(file, '143')).toThrow(
      /was built for NODE_MODULE_VERSION 140, but Electron needs NODE_MODULE_VERSION 143/,
    );
  });

  it.skipIf(!hasCompiler())('returns the cached binary without rebuilding when it verifies', async () => {
    const project = join(scratch, 'project');
    const target = electronBindingPath({ root: project, electronVersion });
    compileModuleForAbi('143', target);
    const before = statSync(target);
    const logged: string[] = [];

    const found = await ensureElectronSqlite({ root: project, electronVersion, log: (line) => logged.push(line) });

    expect({ found, logged, entries: readdirSync(join(project, '.electron-native')) }).toEqual({
      found: target,
      logged: [],
      entries: [`electron-${electronVersion}-${process.platform}-${process.arch}`],
    });
    expect(statSync(target).mtimeMs).toBe(before.mtimeMs);
  });

  it("drops npm's exported settings that would override node-gyp's flags, keeping the network ones", () => {
    const env = buildEnv({
      PATH: '/usr/bin',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_TARGET: '20.20.2',
      npm_config_runtime: 'node',
      npm_config_disturl: 'https://nodejs.org/dist',
      npm_package_config_node_gyp_nodedir: '/usr',
      npm_config_https_proxy: 'http://proxy:3128',
      ELECTRON_RUN_AS_NODE: '1',
    });
    expect(env).toEqual({ PATH: '/usr/bin', npm_config_https_proxy: 'http://proxy:3128' });
  });
});

describe('OLLAMA_HOST, read the way Ollama reads it', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'http://127.0.0.1:11434'],
    ['', 'http://127.0.0.1:11434'],
    ['  "127.0.0.1:11434"  ', 'http://127.0.0.1:11434'],
    ['0.0.0.0', 'http://0.0.0.0:11434'],
    ['gpu-box', 'http://gpu-box:11434'],
    ['gpu-box:8080', 'http://gpu-box:8080'],
    [':9000', 'http://127.0.0.1:9000'],
    ['http://gpu-box', 'http://gpu-box:80'],
    ['https://ollama.example.com', 'https://ollama.example.com:443'],
    ['https://ollama.example.com:8443/prefix/', 'https://ollama.example.com:8443/prefix'],
    ['gpu-box:not-a-port', 'http://gpu-box:11434'],
    ['::1', 'http://[::1]:11434'],
    ['[::1]:9000', 'http://[::1]:9000'],
  ];
  it.each(cases)('%j → %s', (value, expected) => {
    expect(normalizeOllamaHost(value)).toBe(expected);
  });
});

describe('DOCKER_HOST', () => {
  it('reads unix, tcp and npipe addresses', () => {
    expect([
      dockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }),
      dockerEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2376' }),
      dockerEndpoint({ DOCKER_HOST: 'tcp://docker-host' }),
      dockerEndpoint({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }),
    ]).toEqual([
      { socketPath: '/run/user/1000/docker.sock' },
      { host: '10.0.0.5', port: 2376 },
      { host: 'docker-host', port: 2375 },
      { socketPath: '\\\\.\\pipe\\docker_engine' },
    ]);
  });
});

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

async function listen(handler: Handler, where: { path: string } | { port: 0; host: '127.0.0.1' }) {
  const server = http.createServer(handler);
  await new Promise<void>((done) => server.listen(where, done));
  return server;
}

const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const server = await listen(() => {}, { port: 0, host: '127.0.0.1' });
  const port = portOf(server);
  await new Promise((done) => server.close(done));
  return port;
}

const dockerEngine: Handler = (request, response) => {
  if (request.url === '/_ping') return void response.end('OK');
  if (request.url === '/version') {
    response.setHeader('content-type', 'application/json');
    return void response.end(JSON.stringify({ Version: '27.3.1', ApiVersion: '1.47' }));
  }
  if (request.url === `/images/${encodeURIComponent('looplab-sandbox:0.1.0')}/json`) {
    response.setHeader('content-type', 'application/json');
    return void response.end(JSON.stringify({ Id: 'sha256:abc' }));
  }
  response.statusCode = 404;
  response.end();
};

describe('the Docker check', () => {
  const servers: http.Server[] = [];
  afterAll(() =>
    servers.forEach((server) => {
      server.closeAllConnections();
      server.close();
    }),
  );

  it.skipIf(process.platform === 'win32')('finds an engine on a unix socket', async () => {
    const socket = join(scratch, 'docker.sock');
    servers.push(await listen(dockerEngine, { path: socket }));
    const status = await checkDocker({ env: { DOCKER_HOST: `unix://${socket}` } });
    expect(status).toEqual({
      ok: true,
      endpoint: socket,
      version: '27.3.1',
      apiVersion: '1.47',
      image: 'looplab-sandbox:0.1.0',
      imagePresent: true,
    });
    expect(describeDocker(status)).toBe(
      `Docker: engine 27.3.1 (API 1.47) at ${socket}, sandbox image looplab-sandbox:0.1.0`,
    );
  });

  it('says how to build the sandbox image when it is missing', async () => {
    const server = await listen(dockerEngine, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const env = { DOCKER_HOST: `tcp://127.0.0.1:${portOf(server)}`, LOOPLAB_SANDBOX_IMAGE: 'looplab-sandbox:other' };
    const status = await checkDocker({ env });
    expect(describeDocker(status)).toBe(
      `Docker: engine 27.3.1 (API 1.47) at tcp://127.0.0.1:${portOf(server)}; the sandbox image looplab-sandbox:other is not built yet: ` +
        'run `npx looplab sandbox build` (add --offline on a machine without internet) before starting runs.',
    );
  });

  it('finds an engine on tcp', async () => {
    const server = await listen(dockerEngine, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const status = await checkDocker({ env: { DOCKER_HOST: `tcp://127.0.0.1:${portOf(server)}` } });
    expect(status.ok).toBe(true);
  });

  it('says what to do when no engine runs', async () => {
    const socket = join(scratch, 'no-engine.sock');
    const status = await checkDocker({ env: { DOCKER_HOST: `unix://${socket}` } });
    expect(describeDocker(status)).toBe(
      `Docker: no engine socket there (not installed or not running) at ${socket}. The app opens and history ` +
        'and replays work, but runs need a sandbox: install Docker Engine / Docker Desktop and start it.',
    );
    const port = await closedPort();
    const refused = await checkDocker({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` } });
    expect(refused).toEqual({
      ok: false,
      endpoint: `tcp://127.0.0.1:${port}`,
      reason: 'not running (connection refused)',
    });
  });

  it('gives up on an engine that does not answer', async () => {
    const server = await listen(() => {}, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const started = Date.now();
    const status = await checkDocker({ env: { DOCKER_HOST: `tcp://127.0.0.1:${portOf(server)}` }, timeoutMs: 200 });
    expect(status).toMatchObject({ ok: false, reason: 'not running (no answer within 0.2 s)' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('the Ollama check', () => {
  let ollama: http.Server;
  let silent: http.Server;
  beforeAll(async () => {
    ollama = await listen(
      (request, response) => {
        if (request.url !== '/api/tags') return void response.writeHead(404).end();
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            models: [
              { name: 'qwen2.5-coder:7b', model: 'qwen2.5-coder:7b', size: 4_683_087_332 },
              { name: 'llama3.2:latest', model: 'llama3.2:latest', size: 2_019_393_189 },
            ],
          }),
        );
      },
      { port: 0, host: '127.0.0.1' },
    );
    silent = await listen(() => {}, { port: 0, host: '127.0.0.1' });
  });
  afterAll(() => {
    ollama.close();
    silent.closeAllConnections();
    silent.close();
  });

  it('counts the models of a running server', async () => {
    const status = await checkOllama({ host: `127.0.0.1:${portOf(ollama)}` });
    expect(status).toEqual({
      ok: true,
      url: `http://127.0.0.1:${portOf(ollama)}`,
      models: ['qwen2.5-coder:7b', 'llama3.2:latest'],
    });
    expect(describeOllama(status)).toBe(
      `Ollama: running at http://127.0.0.1:${portOf(ollama)}, 2 models (qwen2.5-coder:7b, llama3.2:latest)`,
    );
  });

  it('says what still works when no server runs', async () => {
    const port = await closedPort();
    const status = await checkOllama({ host: `http://127.0.0.1:${port}` });
    expect(describeOllama(status)).toBe(
      `Ollama: not running (connection refused) at http://127.0.0.1:${port}. No local model server: install ` +
        'Ollama and `ollama serve`, or point OPENAI_BASE_URL at an OpenAI-compatible server, or set a provider ' +
        'API key; the app still opens, history and replays work offline.',
    );
  });

  it('gives up on a server that does not answer', async () => {
    const status = await checkOllama({ host: `127.0.0.1:${portOf(silent)}`, timeoutMs: 200 });
    expect(status).toEqual({
      ok: false,
      url: `http://127.0.0.1:${portOf(silent)}`,
      reason: 'no answer within 0.2 s',
    });
  });
});
