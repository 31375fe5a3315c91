// The fake Ollama's model creation, on Ollama's wire format: `HEAD /api/blobs/sha256:<hex>` answers 200
// for a blob it has and 404 otherwise; `POST` of the bytes answers 201 when their sha256 matches the name
// (400 "digest mismatch" otherwise); `POST /api/create` names blobs (`adapters` on top of `from`, or
// `files`), streams status lines ending in `success` (or an `{error}` line) and installs the model.
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeOllamaModel } from './ollama-server';
import { sendJson, writeFrames, type CapturedRequest } from './http-fake';

export interface CreateState {
  /** Digest → size of each blob received. */
  blobs: Map<string, number>;
  models: FakeOllamaModel[];
  find(name: unknown): FakeOllamaModel | undefined;
  delayMs?: number;
}

export function receiveBlob(request: CapturedRequest, response: ServerResponse, blobs: Map<string, number>) {
  const digest = request.path.slice('/api/blobs/'.length);
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) return sendJson(response, 400, { error: 'invalid digest format' });
  if (request.method === 'HEAD') {
    response.writeHead(blobs.has(digest) ? 200 : 404);
    return void response.end();
  }
  if (request.method !== 'POST') return sendJson(response, 405, { error: 'method not allowed' });
  const got = `sha256:${createHash('sha256').update(request.raw).digest('hex')}`;
  if (got !== digest) {
    return sendJson(response, 400, { error: `digest mismatch, expected "${digest}", got "${got}"` });
  }
  blobs.set(digest, request.raw.length);
  response.writeHead(201);
  response.end();
}

/** A `{ name: digest }` map from the request, or undefined when it has none. */
function digestMap(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, digest]) => typeof digest === 'string')
    ? Object.fromEntries(entries as [string, string][])
    : undefined;
}

function frames(body: Record<string, unknown>, state: CreateState): Record<string, unknown>[] {
  const adapters = digestMap(body.adapters);
  const files = digestMap(body.files);
  const named = { ...adapters, ...files };
  const missing = Object.values(named).find((digest) => !state.blobs.has(digest));
  if (missing !== undefined) return [{ status: 'parsing model' }, { error: `blob ${missing} not found` }];
  const from = typeof body.from === 'string' ? body.from : undefined;
  if (from !== undefined && state.find(from) === undefined) {
    return [{ status: `pulling manifest` }, { error: 'pull model manifest: file does not exist' }];
  }
  if (from === undefined && files === undefined) return [{ error: "neither 'from' or 'files' was specified" }];
  const layer = (digest: string) => `creating new layer ${digest}`;
  return [
    ...(from !== undefined ? [{ status: 'using existing layer sha256:dae161e27b0e' }] : []),
    { status: adapters !== undefined ? 'converting adapter' : 'converting model' },
    ...Object.values(named).map((digest) => ({ status: layer(digest) })),
    { status: 'writing manifest' },
    { status: 'success' },
  ];
}

export async function createModel(body: Record<string, unknown>, response: ServerResponse, state: CreateState) {
  const name = typeof body.model === 'string' ? body.model : '';
  if (name === '') return sendJson(response, 400, { error: 'model is required' });
  const lines = frames(body, state);
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  await writeFrames(
    response,
    lines.map((line) => `${JSON.stringify(line)}\n`),
    { delayMs: state.delayMs },
  );
  if (lines.at(-1)?.status !== 'success') return;
  const base = typeof body.from === 'string' ? state.find(body.from) : undefined;
  const installed: FakeOllamaModel = {
    name: name.includes(':') ? name : `${name}:latest`,
    architecture: base?.architecture ?? 'llama',
    contextLength: base?.contextLength ?? 8192,
    capabilities: ['completion'],
  };
  const at = state.models.findIndex((model) => model.name === installed.name);
  if (at >= 0) state.models.splice(at, 1, installed);
  else state.models.push(installed);
}
