// Builds the sandbox image from resources/sandbox through the Docker engine (no docker CLI needed) and
// reports the build as it goes: steps, output lines, pull status, and a clear error with the last output
// when a step fails.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { defaultImage } from './container-spec';
import { dockerFailure } from './docker-status';
import { defaultCudaImage } from './jobs-image';
import { sandboxResourceDir } from './sandbox-resources';
import { LineSplitter } from './stream-limits';

export type Recipe = 'online' | 'offline' | 'cuda';

export type BuildEvent =
  { kind: 'step'; text: string } | { kind: 'output'; text: string } | { kind: 'status'; text: string };

export interface BuildRequest {
  recipe: Recipe;
  tag?: string;
  /** Default: the resources/sandbox folder of this installation. */
  contextDir?: string;
  buildArgs?: Record<string, string>;
  signal?: AbortSignal;
  onEvent: (event: BuildEvent) => void;
}

export interface BuildResult {
  tag: string;
  imageId: string | undefined;
}

const DOCKERFILES: Record<Recipe, string> = {
  online: 'Dockerfile',
  offline: 'Dockerfile.offline',
  cuda: 'Dockerfile.cuda',
};

const buildMessageSchema = z.object({
  stream: z.string().optional(),
  status: z.string().optional(),
  progress: z.string().optional(),
  id: z.string().optional(),
  error: z.string().optional(),
  errorDetail: z.object({ message: z.string() }).partial().optional().catch(undefined),
  aux: z.object({ ID: z.string() }).partial().optional().catch(undefined),
});

type BuildMessage = z.infer<typeof buildMessageSchema>;

const KEEP_LINES = 25;

export function defaultTag(recipe: Recipe): string {
  return recipe === 'cuda' ? defaultCudaImage() : defaultImage();
}

export function recipeFor(flags: { offline?: boolean; cuda?: boolean }): Recipe {
  if (flags.offline === true && flags.cuda === true)
    throw new AppError(
      'invalid_input',
      '--offline and --cuda cannot be combined: the offline recipe has no CUDA.',
      'Build --cuda on a machine with internet, or --offline for CPU only.',
    );
  if (flags.cuda === true) return 'cuda';
  return flags.offline === true ? 'offline' : 'online';
}

function contextFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile());
}

/** Follows one build's JSON stream: events out, the image id kept, the last lines kept for an error. */
class BuildFollower {
  imageId: string | undefined;
  error: string | undefined;
  private readonly recent: string[] = [];

  constructor(private readonly onEvent: (event: BuildEvent) => void) {}

  line(raw: string): void {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = buildMessageSchema.safeParse(json);
    if (parsed.success) this.message(parsed.data);
  }

  private message(message: BuildMessage): void {
    if (message.aux?.ID !== undefined) this.imageId = message.aux.ID;
    if (message.error !== undefined) this.error = message.errorDetail?.message ?? message.error;
    if (message.status !== undefined)
      this.onEvent({ kind: 'status', text: [message.id, message.status, message.progress].filter(Boolean).join(' ') });
    for (const text of (message.stream ?? '').split('\n')) this.streamLine(text.trimEnd());
  }

  private streamLine(text: string): void {
    if (text === '') return;
    const built = /^Successfully built ([0-9a-f]+)/.exec(text);
    if (built !== null) this.imageId ??= built[1];
    this.recent.push(text);
    if (this.recent.length > KEEP_LINES) this.recent.shift();
    this.onEvent({ kind: /^Step \d+\/\d+ :/.test(text) ? 'step' : 'output', text });
  }

  lastLines(): string {
    return this.recent.join('\n');
  }
}

function follow(stream: NodeJS.ReadableStream, follower: BuildFollower): Promise<void> {
  const lines = new LineSplitter((line) => follower.line(line), 16 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer | string) => lines.push(Buffer.from(chunk)));
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
}

export async function buildSandboxImage(docker: Docker, request: BuildRequest): Promise<BuildResult> {
  const tag = request.tag ?? defaultTag(request.recipe);
  const context = request.contextDir ?? sandboxResourceDir();
  const follower = new BuildFollower(request.onEvent);
  try {
    const stream = await docker.buildImage(
      { context, src: contextFiles(context) },
      {
        t: tag,
        dockerfile: DOCKERFILES[request.recipe],
        buildargs: request.buildArgs ?? {},
        rm: true,
        forcerm: true,
        ...(request.signal === undefined ? {} : { abortSignal: request.signal }),
      },
    );
    await follow(stream, follower);
  } catch (error) {
    throw dockerFailure(error, docker);
  }
  if (follower.error !== undefined) throw buildFailure(tag, request.recipe, follower);
  return { tag, imageId: follower.imageId };
}

/** Begins the part of a failed build's hint that quotes its output. */
export const LAST_LINES = "The build's last lines:";

const UNREACHABLE = /dial tcp|no such host|lookup .* on |i\/o timeout|TLS handshake|pull access denied/i;

function buildFailure(tag: string, recipe: Recipe, follower: BuildFollower): AppError {
  const error = (follower.error ?? '').trim();
  const hints: string[] = [];
  if (recipe !== 'offline' && UNREACHABLE.test(error))
    hints.push(
      'The registry or PyPI cannot be reached: without internet, build with `looplab sandbox build --offline`.',
    );
  if (follower.lastLines() !== '') hints.push(`${LAST_LINES}\n${follower.lastLines()}`);
  return new AppError(
    'unavailable',
    `Building ${tag} failed: ${error}`,
    hints.length === 0 ? undefined : hints.join('\n'),
  );
}
