// The fake Hub's write side, in the shapes @huggingface/hub sends and reads: POST /api/repos/create
// (409 when the repo exists, 403 outside the token's namespaces, 400 for a name the Hub refuses),
// POST /api/{models,datasets}/{id}/preupload/{rev} (which files go through LFS), the LFS batch API at
// /{datasets/}{id}.git/info/lfs/objects/batch (basic transfer; an object already stored gets no upload
// action, so the client does not send it again), PUT of an object's bytes (checked against its sha256),
// and the NDJSON commit at POST /api/{models,datasets}/{id}/commit/{rev}.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { CapturedRequest } from './http-fake';
import { sendJson } from './http-fake';

export type RepoKind = 'model' | 'dataset';

export interface FakePublisher {
  token: string;
  user: string;
  /** Organizations the account may create repos in and write to. */
  orgs?: string[];
}

export interface FakeCommitFile {
  path: string;
  size: number;
  sha256: string;
  lfs: boolean;
}

export interface FakeCommit {
  kind: RepoKind;
  repo: string;
  title: string;
  description: string | undefined;
  files: FakeCommitFile[];
  /** The text of each file committed, by path (as UTF-8). */
  text: Record<string, string>;
}

export interface PublishState {
  publishers: FakePublisher[];
  /** Files at least this large go through LFS (the real Hub: 10 MB, and binary files). */
  lfsThreshold: number;
  commits: FakeCommit[];
  /** LFS objects stored, by sha256. */
  lfsObjects: Map<string, Buffer>;
  /** Repos created through the API, with their visibility. */
  created: { kind: RepoKind; id: string; private: boolean }[];
  /** Failures to inject: the next `commitFailures` commits answer 500. */
  faults: { commitFailures: number };
}

export interface PublishHost {
  base: () => string;
  tokenOf(request: CapturedRequest): string | undefined;
  /** The repo by kind and id, or undefined. */
  find(kind: RepoKind, id: string): { id: string; files: Record<string, unknown>; private?: boolean } | undefined;
  add(
    kind: RepoKind,
    repo: { id: string; fields: Record<string, unknown>; files: Record<string, string>; private: boolean },
  ): void;
}

/** One request to answer, with the fake's state and the Hub around it. */
interface Exchange {
  state: PublishState;
  host: PublishHost;
  request: CapturedRequest;
  response: ServerResponse;
}

const VALID_NAME = /^(?![-.])(?!.*(--|\.\.))[\w.-]{1,96}(?<![-.])$/;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function publisherOf(state: PublishState, host: PublishHost, request: CapturedRequest, response: ServerResponse) {
  const token = host.tokenOf(request);
  const publisher = state.publishers.find((candidate) => candidate.token === token);
  if (publisher === undefined) sendJson(response, 401, { error: 'Invalid credentials in Authorization header' });
  return publisher;
}

const mayWrite = (publisher: FakePublisher, namespace: string) =>
  namespace === publisher.user || (publisher.orgs ?? []).includes(namespace);

/** The repo a write goes to, answered 401/404/403 as the Hub does when it cannot be written. */
function writable({ state, host, request, response }: Exchange, kind: RepoKind, id: string) {
  const publisher = publisherOf(state, host, request, response);
  if (publisher === undefined) return undefined;
  const repo = host.find(kind, id);
  if (repo === undefined) {
    sendJson(response, 404, { error: 'Repository not found' }, { 'x-error-code': 'RepoNotFound' });
    return undefined;
  }
  if (!mayWrite(publisher, id.split('/')[0]!)) {
    sendJson(response, 403, { error: `You don't have the rights to write to ${id}` });
    return undefined;
  }
  return repo;
}

function createRepo(state: PublishState, host: PublishHost, request: CapturedRequest, response: ServerResponse) {
  const publisher = publisherOf(state, host, request, response);
  if (publisher === undefined) return;
  const body = request.body as { name: string; organization?: string; type?: string; visibility?: string };
  const kind: RepoKind = body.type === 'dataset' ? 'dataset' : 'model';
  const namespace = body.organization ?? publisher.user;
  const id = `${namespace}/${body.name}`;
  if (!mayWrite(publisher, namespace))
    return sendJson(response, 403, {
      error: `You don't have the rights to create a ${kind} under the namespace "${namespace}"`,
    });
  if (!VALID_NAME.test(body.name))
    return sendJson(response, 400, {
      error:
        "Repo name must use alphanumeric chars or '-', '_', '.', '--' and '..' are forbidden, '-' and '.' cannot start or end the name, max length is 96.",
    });
  const url = `${host.base()}/${kind === 'dataset' ? 'datasets/' : ''}${id}`;
  if (host.find(kind, id) !== undefined)
    return sendJson(response, 409, { error: `You already created this ${kind} repo`, url });
  const isPrivate = body.visibility !== 'public';
  host.add(kind, { id, fields: {}, files: {}, private: isPrivate });
  state.created.push({ kind, id, private: isPrivate });
  sendJson(response, 200, { url, name: id, id: id.replace('/', '-') });
}

function preupload({ state, host, request, response }: Exchange, kind: RepoKind, id: string) {
  if (writable({ state, host, request, response }, kind, id) === undefined) return;
  const { files } = request.body as { files: { path: string; size: number }[] };
  sendJson(response, 200, {
    files: files.map((file) => ({
      path: file.path,
      uploadMode: file.size >= state.lfsThreshold ? 'lfs' : 'regular',
      shouldIgnore: false,
    })),
    commitOid: '0'.repeat(40),
  });
}

function lfsBatch({ state, host, request, response }: Exchange, kind: RepoKind, id: string) {
  if (writable({ state, host, request, response }, kind, id) === undefined) return;
  const { objects } = request.body as { objects: { oid: string; size: number }[] };
  sendJson(
    response,
    200,
    {
      transfer: 'basic',
      objects: objects.map(({ oid, size }) => ({
        oid,
        size,
        authenticated: true,
        ...(state.lfsObjects.has(oid) ? {} : { actions: { upload: { href: `${host.base()}/api/blobs/lfs/${oid}` } } }),
      })),
    },
    { 'content-type': 'application/vnd.git-lfs+json' },
  );
}

function lfsUpload(state: PublishState, request: CapturedRequest, response: ServerResponse, oid: string) {
  if (sha256(request.raw) !== oid) return sendJson(response, 400, { error: 'The object does not match its oid' });
  state.lfsObjects.set(oid, request.raw);
  response.writeHead(200);
  response.end();
}

type NdjsonLine =
  | { key: 'header'; value: { summary: string; description?: string } }
  | { key: 'file'; value: { path: string; content: string; encoding: 'base64' } }
  | { key: 'lfsFile'; value: { path: string; oid: string; size: number } }
  | { key: 'deletedFile'; value: { path: string } };

function commit({ state, host, request, response }: Exchange, kind: RepoKind, id: string) {
  const repo = writable({ state, host, request, response }, kind, id);
  if (repo === undefined) return;
  if (state.faults.commitFailures > 0) {
    state.faults.commitFailures--;
    return sendJson(response, 500, { error: "Internal Error - We're working hard to fix this as soon as possible!" });
  }
  const lines = request.raw
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as NdjsonLine);
  const header = lines.find((line) => line.key === 'header');
  const record: FakeCommit = {
    kind,
    repo: id,
    title: header?.key === 'header' ? header.value.summary : '',
    description: header?.key === 'header' ? header.value.description : undefined,
    files: [],
    text: {},
  };
  for (const line of lines) {
    if (line.key === 'file') {
      const bytes = Buffer.from(line.value.content, 'base64');
      record.files.push({ path: line.value.path, size: bytes.length, sha256: sha256(bytes), lfs: false });
      record.text[line.value.path] = bytes.toString('utf8');
      repo.files[line.value.path] = bytes.toString('utf8');
    } else if (line.key === 'lfsFile') {
      const stored = state.lfsObjects.get(line.value.oid);
      if (stored === undefined)
        return sendJson(response, 422, {
          error: `Your push was rejected because an LFS pointer pointed to a file that does not exist (${line.value.path})`,
        });
      record.files.push({ path: line.value.path, size: stored.length, sha256: line.value.oid, lfs: true });
      record.text[line.value.path] = stored.toString('utf8');
      repo.files[line.value.path] = { size: stored.length, fill: '\0' };
    }
  }
  state.commits.push(record);
  const oid = sha256(request.raw).slice(0, 40);
  const page = `${host.base()}/${kind === 'dataset' ? 'datasets/' : ''}${id}`;
  sendJson(response, 200, { success: true, commitOid: oid, commitUrl: `${page}/commit/${oid}`, hookOutput: '' });
}

/** Answers a write request, or returns false when the path is not one. */
export function publishRoute(
  state: PublishState,
  host: PublishHost,
  request: CapturedRequest,
  response: ServerResponse,
  path: string,
): boolean {
  const kindOf = (plural: string | undefined): RepoKind =>
    plural === 'datasets' || plural === 'datasets/' ? 'dataset' : 'model';
  const exchange = { state, host, request, response };
  let match: RegExpExecArray | null;
  if (request.method === 'POST' && path === '/api/repos/create') createRepo(state, host, request, response);
  else if (request.method === 'POST' && (match = /^\/api\/(models|datasets)\/(.+?)\/preupload\/[^/]+$/.exec(path)))
    preupload(exchange, kindOf(match[1]), match[2]!);
  else if (request.method === 'POST' && (match = /^\/(datasets\/)?(.+?)\.git\/info\/lfs\/objects\/batch$/.exec(path)))
    lfsBatch(exchange, kindOf(match[1]), match[2]!);
  else if (request.method === 'PUT' && (match = /^\/api\/blobs\/lfs\/([0-9a-f]{64})$/.exec(path)))
    lfsUpload(state, request, response, match[1]!);
  else if (request.method === 'POST' && (match = /^\/api\/(models|datasets)\/(.+?)\/commit\/[^/]+$/.exec(path)))
    commit(exchange, kindOf(match[1]), match[2]!);
  else return false;
  return true;
}
