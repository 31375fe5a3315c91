// Reads one file of a Hub repo: a card's text (cut to a size), or a whole file streamed to disk with a
// size cap checked before and during the download, written beside its target and renamed into place.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { RepoDesignation } from '@huggingface/hub';
import { AppError } from '../../shared/errors';
import { formatBytes as bytes } from '../../shared/format';
import type { HubCall } from './hub-client';

function repoText(repo: RepoDesignation): string {
  if (typeof repo === 'string') return repo;
  return `${repo.type === 'model' ? 'model' : repo.type} ${repo.name}`;
}

/** The file's text, at most `maxBytes` of it; undefined when the repo has no such file. */
export async function readHubFile(
  call: HubCall,
  repo: RepoDesignation,
  path: string,
  maxBytes: number,
): Promise<string | undefined> {
  const info = await call.library.fileDownloadInfo({ repo, path, ...call });
  if (info === null) return undefined;
  const blob = await call.library.downloadFile({ repo, path, xet: false, downloadInfo: info, ...call });
  if (blob === null) return undefined;
  return blob.slice(0, Math.min(blob.size, maxBytes)).text();
}

/** Streams the file to `target` (an absolute path already checked by the caller); returns its size. */
export async function downloadHubFile(
  call: HubCall,
  repo: RepoDesignation,
  path: string,
  target: string,
  options: { maxBytes: number; signal: AbortSignal },
): Promise<number> {
  const info = await call.library.fileDownloadInfo({ repo, path, ...call });
  if (info === null) {
    throw new AppError(
      'not_found',
      `There is no file ${path} in ${repoText(repo)}.`,
      'hub_info lists the files of a repo with their sizes.',
    );
  }
  if (info.size > options.maxBytes) throw tooLarge(path, info.size, options.maxBytes);
  const blob = await call.library.downloadFile({ repo, path, xet: false, downloadInfo: info, ...call });
  if (blob === null) throw new AppError('not_found', `There is no file ${path} in ${repoText(repo)}.`);
  const partial = `${target}.${randomBytes(6).toString('hex')}.part`;
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > options.maxBytes) done(tooLarge(path, received, options.maxBytes));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(blob.stream() as NodeReadableStream<Uint8Array>),
      cap,
      createWriteStream(partial, { flags: 'wx' }),
      { signal: options.signal },
    );
    await rename(partial, target);
    return received;
  } catch (error) {
    await unlink(partial).catch(() => undefined);
    throw error;
  }
}

function tooLarge(path: string, size: number, maxBytes: number): AppError {
  return new AppError(
    'invalid_input',
    `${path} is ${bytes(size)}, over the ${bytes(maxBytes)} that hub_fetch downloads.`,
    'Pick a smaller file, or download it inside a job started with the network granted (huggingface_hub or curl).',
  );
}
