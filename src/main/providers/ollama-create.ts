// Creating an Ollama model from an artifact folder, as `ollama create` does: each file is hashed and
// pushed as a blob (`HEAD` then `POST /api/blobs/sha256:<hex>`, skipped when Ollama has it), then
// `/api/create` through the `ollama` client names them (`adapters` on top of `from`, or `files`) and
// streams its progress. Failures become AppErrors that say what to do.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { CreateRequest } from 'ollama';
import { AppError } from '../../shared/errors';
import { messageOf, OllamaModels } from './ollama-models';

export interface CreateProgress {
  status: string;
  completed?: number;
  total?: number;
}

export interface CreateOptions {
  /** Replace a model of that name. */
  force?: boolean;
  signal?: AbortSignal;
}

/** A file to send: its name in the model folder, and its bytes each time they are read. */
export interface CreateFile {
  name: string;
  open(): { stream: Readable; size: number };
}

/** An adapter goes on top of an Ollama base model; merged weights make a model of their own. */
export type CreateSource =
  { kind: 'adapter'; base: string; files: readonly CreateFile[] } | { kind: 'merged'; files: readonly CreateFile[] };

async function digestOf(file: CreateFile): Promise<{ digest: string; size: number }> {
  const { stream, size } = file.open();
  const hash = createHash('sha256');
  for await (const part of stream) hash.update(part as Buffer);
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Ollama's client (ollama-models.ts) with model creation. */
export class OllamaCreator extends OllamaModels {
  /** Whether Ollama has a model of that name (a bare name means its `:latest`). */
  async has(name: string): Promise<boolean> {
    let names: string[];
    try {
      names = (await this.client.list()).models.map((model) => model.name);
    } catch (error) {
      throw this.unreachable(error);
    }
    return names.includes(name) || names.includes(`${name}:latest`);
  }

  /** Pushes one file as a blob unless Ollama has it; returns its digest. */
  private async pushBlob(file: CreateFile, onProgress: (p: CreateProgress) => void) {
    const { digest, size } = await digestOf(file);
    const url = `${this.host}/api/blobs/${digest}`;
    let head: Response;
    try {
      head = await fetch(url, { method: 'HEAD' });
    } catch (error) {
      throw this.unreachable(error);
    }
    if (head.ok) {
      onProgress({ status: `${file.name} is already in Ollama`, completed: size, total: size });
      return digest;
    }
    onProgress({ status: `uploading ${file.name}`, completed: 0, total: size });
    const { stream } = file.open();
    const posted = await fetch(url, {
      method: 'POST',
      body: Readable.toWeb(stream) as ReadableStream<Uint8Array>,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      duplex: 'half',
    } as RequestInit & { duplex: 'half' }).catch((error: unknown) => {
      throw this.unreachable(error);
    });
    if (!posted.ok) {
      throw new AppError('unavailable', `Ollama refused ${file.name} (${posted.status}: ${await posted.text()}).`);
    }
    onProgress({ status: `uploaded ${file.name}`, completed: size, total: size });
    return digest;
  }

  /** Creates `name` from the plan, reporting each progress line; resolves once Ollama says success. */
  async create(
    plan: CreateSource,
    name: string,
    onProgress: (progress: CreateProgress) => void,
    options: CreateOptions = {},
  ): Promise<void> {
    if (!options.force && (await this.has(name))) {
      throw new AppError(
        'conflict',
        `Ollama already has a model named ${name}.`,
        'Pick another name, or replace it (--force on the command line).',
      );
    }
    const digests: Record<string, string> = {};
    for (const file of plan.files) {
      options.signal?.throwIfAborted();
      digests[file.name] = await this.pushBlob(file, onProgress);
    }
    const request: CreateRequest & { files?: Record<string, string>; stream: true } =
      plan.kind === 'adapter'
        ? { model: name, from: plan.base, adapters: digests, stream: true }
        : { model: name, files: digests, stream: true };
    const last = await this.follow(
      () => this.client.create(request),
      onProgress,
      (error) => this.failure(name, request, error),
      options.signal,
    );
    if (last !== 'success') throw new AppError('unavailable', `Creating ${name} stopped before Ollama said success.`);
  }

  private failure(name: string, request: CreateRequest, error: unknown): AppError {
    const message = messageOf(error);
    if (/fetch failed|ECONNREFUSED/i.test(message)) return this.unreachable(error);
    if (request.from !== undefined && /not found|does not exist|pull/i.test(message)) {
      return new AppError(
        'not_found',
        `Ollama has no base model ${request.from} to put the adapter on (${message}).`,
        `Pull it first: looplab models pull ${request.from}`,
      );
    }
    return new AppError('unavailable', `Ollama could not create ${name}: ${message}`);
  }
}
