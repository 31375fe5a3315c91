// What `npm start` checks before it opens the app: is a Docker engine answering (runs need a sandbox) and is
// an Ollama server answering (the default local model provider)? Neither is required to open the app, so each
// check returns data instead of throwing, and each missing part becomes one line that says what still works
// and how to get the rest. Only Node built-ins: this runs before anything is built.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CHECK_TIMEOUT_MS = 1500;
const OLLAMA_DEFAULT_PORT = '11434';

/**
 * @typedef {{ socketPath: string } | { host: string, port: number }} DockerEndpoint
 * @typedef {{ ok: true, endpoint: string, version: string, apiVersion: string, image: string, imagePresent: boolean }
 *   | { ok: false, endpoint: string, reason: string, hint?: string }} DockerStatus
 * @typedef {{ ok: true, url: string, models: string[] } | { ok: false, url: string, reason: string }} OllamaStatus
 */

/**
 * Turns OLLAMA_HOST into a base URL the way Ollama's own envconfig.Host() does: surrounding quotes and spaces
 * are dropped, no scheme means http, a missing port means 11434 (80 / 443 when the scheme is written out),
 * an invalid port falls back to the default, and a path after the host is kept as a prefix.
 * @param {string | undefined} value
 * @returns {string}
 */
export function normalizeOllamaHost(value) {
  const raw = (value ?? '').trim().replace(/^["']+|["']+$/g, '');
  const schemeEnd = raw.indexOf('://');
  let scheme = 'http';
  let rest = raw;
  let defaultPort = OLLAMA_DEFAULT_PORT;
  if (schemeEnd >= 0) {
    scheme = raw.slice(0, schemeEnd).toLowerCase();
    rest = raw.slice(schemeEnd + 3);
    if (scheme === 'http') defaultPort = '80';
    if (scheme === 'https') defaultPort = '443';
  }
  const slash = rest.indexOf('/');
  const hostPort = slash >= 0 ? rest.slice(0, slash) : rest;
  const path = slash >= 0 ? rest.slice(slash + 1).replace(/\/+$/, '') : '';
  let { host, port } = splitHostPort(hostPort, defaultPort);
  if (!/^\d+$/.test(port) || Number(port) > 65535) port = defaultPort;
  // Ollama would dial ":11434" (all local interfaces); a URL needs a host name.
  if (host === '') host = '127.0.0.1';
  const hostText = isIP(host) === 6 ? `[${host}]` : host;
  return `${scheme}://${hostText}:${port}${path ? `/${path}` : ''}`;
}

/**
 * Go's net.SplitHostPort, with Ollama's fallback when there is no port: the whole text is the host.
 * @param {string} hostPort
 * @param {string} defaultPort
 */
function splitHostPort(hostPort, defaultPort) {
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(hostPort);
  if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] ?? defaultPort };
  const colons = hostPort.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port = ''] = hostPort.split(':');
    return { host, port };
  }
  // No colon: a bare host. Several colons without brackets: a bare IPv6 address.
  return { host: hostPort, port: defaultPort };
}

/**
 * Asks an Ollama server which models it has (GET /api/tags).
 * @param {{ host?: string, timeoutMs?: number }} [options] host: OLLAMA_HOST's value (default: the environment's)
 * @returns {Promise<OllamaStatus>}
 */
export async function checkOllama({ host = process.env.OLLAMA_HOST, timeoutMs = CHECK_TIMEOUT_MS } = {}) {
  const url = normalizeOllamaHost(host);
  try {
    const response = await fetch(`${url}/api/tags`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ok: false, url, reason: `it answered HTTP ${response.status}` };
    /** @type {{ models?: { name?: string, model?: string }[] }} */
    const body = await response.json();
    const models = (body.models ?? []).map((model) => model.name ?? model.model ?? '?');
    return { ok: true, url, models };
  } catch (error) {
    return { ok: false, url, reason: describeFetchError(error, timeoutMs) };
  }
}

/**
 * Where the Docker engine listens: DOCKER_HOST (unix://, tcp://, npipe://) or the platform's default socket.
 * @param {NodeJS.ProcessEnv} [env]
 * @param {string} [home]
 * @param {(path: string) => boolean} [exists]
 * @returns {DockerEndpoint}
 */
export function dockerEndpoint(env = process.env, home = homedir(), exists = existsSync) {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost?.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) };
  if (dockerHost?.startsWith('npipe://'))
    return { socketPath: dockerHost.slice('npipe://'.length).replaceAll('/', '\\') };
  if (dockerHost?.startsWith('tcp://')) {
    const address = new URL(`http://${dockerHost.slice('tcp://'.length)}`);
    return { host: address.hostname.replace(/^\[|\]$/g, ''), port: Number(address.port || 2375) };
  }
  if (process.platform === 'win32') return { socketPath: '\\\\.\\pipe\\docker_engine' };
  return { socketPath: dockerSocket(env, home, exists) };
}

/**
 * The engine's socket when DOCKER_HOST does not say: the current `docker context`'s, else the first that
 * exists of the system one, rootless Docker's and the per-user ones of Docker Desktop, Colima, Rancher
 * Desktop and OrbStack. The same order as src/main/sandbox/docker-socket.ts, which the app uses.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} home
 * @param {(path: string) => boolean} exists
 */
export function dockerSocket(env, home, exists) {
  const configDir = env.DOCKER_CONFIG || join(home, '.docker');
  try {
    const name = env.DOCKER_CONTEXT || JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).currentContext;
    if (typeof name === 'string' && name !== '' && name !== 'default') {
      const id = createHash('sha256').update(name).digest('hex');
      const meta = JSON.parse(readFileSync(join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8'));
      const host = meta?.Endpoints?.docker?.Host;
      if (typeof host === 'string' && host.startsWith('unix://')) return host.slice('unix://'.length);
    }
  } catch {
    // no docker config: the sockets below decide
  }
  const candidates = [
    '/var/run/docker.sock',
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
    join(home, '.docker', 'desktop', 'docker.sock'),
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.colima', 'default', 'docker.sock'),
    join(home, '.colima', 'docker.sock'),
    join(home, '.rd', 'docker.sock'),
    join(home, '.orbstack', 'run', 'docker.sock'),
  ];
  return candidates.find((path) => exists(path)) ?? '/var/run/docker.sock';
}

/**
 * The image runs use: LOOPLAB_SANDBOX_IMAGE, else the one `looplab sandbox build` makes for this version.
 * @param {NodeJS.ProcessEnv} env
 */
export function sandboxImage(env) {
  if (env.LOOPLAB_SANDBOX_IMAGE) return env.LOOPLAB_SANDBOX_IMAGE;
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return `looplab-sandbox:${version}`;
}

/**
 * Pings the Docker engine (GET /_ping, then /version) over its socket or TCP address.
 * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<DockerStatus>}
 */
export async function checkDocker({ env = process.env, timeoutMs = CHECK_TIMEOUT_MS } = {}) {
  const target = dockerEndpoint(env);
  const endpoint = 'socketPath' in target ? target.socketPath : `tcp://${target.host}:${target.port}`;
  try {
    const ping = await dockerGet(target, '/_ping', timeoutMs);
    if (ping.status !== 200) return { ok: false, endpoint, reason: `/_ping answered HTTP ${ping.status}` };
    const version = await dockerGet(target, '/version', timeoutMs);
    /** @type {{ Version?: string, ApiVersion?: string }} */
    const body = JSON.parse(version.body);
    const image = sandboxImage(env);
    const inspected = await dockerGet(target, `/images/${encodeURIComponent(image)}/json`, timeoutMs);
    const imagePresent = inspected.status === 200;
    return {
      ok: true,
      endpoint,
      version: body.Version ?? '?',
      apiVersion: body.ApiVersion ?? '?',
      image,
      imagePresent,
    };
  } catch (error) {
    return { ok: false, endpoint, ...describeDockerError(error, timeoutMs) };
  }
}

/**
 * @param {DockerEndpoint} target
 * @param {string} path
 * @param {number} timeoutMs
 * @returns {Promise<{ status: number, body: string }>}
 */
function dockerGet(target, path, timeoutMs) {
  return new Promise((resolve, reject) => {
    const request = http.get({ ...target, path, timeout: timeoutMs, headers: { host: 'docker' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}

/**
 * @param {unknown} error
 * @param {number} timeoutMs
 * @returns {{ reason: string, hint?: string }}
 */
function describeDockerError(error, timeoutMs) {
  const code = /** @type {{ code?: string }} */ (error)?.code;
  if (code === 'ENOENT') return { reason: 'no engine socket there (not installed or not running)' };
  if (code === 'ECONNREFUSED') return { reason: 'not running (connection refused)' };
  if (code === 'ETIMEDOUT') return { reason: `not running (no answer within ${timeoutMs / 1000} s)` };
  if (code === 'EACCES' || code === 'EPERM') {
    return {
      reason: 'permission denied on the engine socket',
      hint: 'add yourself to the docker group (`sudo usermod -aG docker $USER`, then log in again)',
    };
  }
  return { reason: `not reachable (${error instanceof Error ? error.message : String(error)})` };
}

/**
 * @param {unknown} error
 * @param {number} timeoutMs
 */
function describeFetchError(error, timeoutMs) {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = /** @type {{ cause?: { code?: string } }} */ (error)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'not running (connection refused)';
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return 'host name not found';
  return error instanceof Error ? (cause?.code ?? error.message) : String(error);
}

/**
 * One line for the Docker check.
 * @param {DockerStatus} status
 */
export function describeDocker(status) {
  const engine = status.ok ? `Docker: engine ${status.version} (API ${status.apiVersion}) at ${status.endpoint}` : '';
  if (status.ok && status.imagePresent) return `${engine}, sandbox image ${status.image}`;
  if (status.ok) {
    return (
      `${engine}; the sandbox image ${status.image} is not built yet: run \`npx looplab sandbox build\` ` +
      '(add --offline on a machine without internet) before starting runs.'
    );
  }
  const fix = status.hint ?? 'install Docker Engine / Docker Desktop and start it';
  return (
    `Docker: ${status.reason} at ${status.endpoint}. The app opens and history and replays work, ` +
    `but runs need a sandbox: ${fix}.`
  );
}

/**
 * One line for the Ollama check.
 * @param {OllamaStatus} status
 */
export function describeOllama(status) {
  if (status.ok && status.models.length === 0) {
    return `Ollama: running at ${status.url}, no models yet: pull one with \`ollama pull <model>\`.`;
  }
  if (status.ok) {
    const count = `${status.models.length} model${status.models.length === 1 ? '' : 's'}`;
    return `Ollama: running at ${status.url}, ${count} (${status.models.join(', ')})`;
  }
  return (
    `Ollama: ${status.reason} at ${status.url}. No local model server: install Ollama and \`ollama serve\`, ` +
    'or point OPENAI_BASE_URL at an OpenAI-compatible server, or set a provider API key; the app still opens, ' +
    'history and replays work offline.'
  );
}

/**
 * Runs both checks at once and returns their lines.
 * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number }} [options]
 * @returns {Promise<string[]>}
 */
export async function runDoctor({ env = process.env, timeoutMs = CHECK_TIMEOUT_MS } = {}) {
  const [docker, ollama] = await Promise.all([
    checkDocker({ env, timeoutMs }),
    checkOllama({ host: env.OLLAMA_HOST, timeoutMs }),
  ]);
  return [describeDocker(docker), describeOllama(ollama)];
}
