// GET /api/files/<run>?path=…: a run's file sent as an attachment (never rendered by the browser), after
// the same path check as opening it in the app.
import { closeSync, createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { runFileSchema } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { failure, securityHeaders, sendJson } from './replies';

/**
 * A run's file to download, by its workspace path, opened (only inside that run's workspace, never
 * through a link: else it throws); the server reads and closes the descriptor.
 */
export type RunFileOpener = (runId: string, path: string) => { fd: number; path: string; bytes: number };

export function sendRunFile(
  response: ServerResponse,
  runFile: RunFileOpener | undefined,
  runId: string,
  url: URL,
): void {
  const input = runFileSchema.safeParse({ runId, path: url.searchParams.get('path') ?? '' });
  if (!input.success || runFile === undefined) {
    sendJson(response, 400, failure('invalid_input', 'A download names a run and a file path inside its workspace.'));
    return;
  }
  let file: ReturnType<RunFileOpener>;
  try {
    file = runFile(input.data.runId, input.data.path);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    sendJson(response, error.code === 'not_found' ? 404 : 400, { ok: false, error: error.toInfo() });
    return;
  }
  const name = file.path.split('/').at(-1) ?? 'file';
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(file.bytes),
    'content-disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    'cache-control': 'no-store',
    ...securityHeaders,
  });
  if (file.bytes === 0) {
    closeSync(file.fd);
    response.end();
    return;
  }
  // No more than the size announced, should the file grow meanwhile.
  const stream = createReadStream('', { fd: file.fd, start: 0, end: file.bytes - 1 });
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}
