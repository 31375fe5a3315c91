// Builds the sandbox image from the app: one build at a time, of the image runs use, from the recipe the
// person picks, through the same builder as `looplab sandbox build` (image.ts). Progress (the current
// step and the last output lines) is pushed to every window as the build goes, and its end with the
// image ready or a clear error.
import type Docker from 'dockerode';
import { AppError, type ErrorInfo } from '../../shared/errors';
import type { ImageBuildProgress, ImageRecipe, SandboxImageStatus } from '../../shared/sandbox-image';
import { checkDocker, inspectImage } from './docker-status';
import { buildSandboxImage, LAST_LINES, type BuildEvent } from './image';

/** Output lines a progress push carries. */
const SHOWN_LINES = 12;
/** Pull and download status lines come many a second; the UI needs a few. */
const STATUS_EVERY_MS = 250;

export interface ImageBuildsOptions {
  docker: Docker;
  /** The image runs use: what a build from the app tags. */
  image: string;
  emit(progress: ImageBuildProgress): void;
  /** Default: resources/sandbox of this installation. */
  contextDir?: string;
}

export interface ImageBuilds {
  status(): Promise<SandboxImageStatus>;
  build(recipe: ImageRecipe): { started: true; tag: string };
  /** Cancels a build in flight (app shutdown). */
  close(): void;
}

function errorInfo(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal', error instanceof Error ? error.message : String(error));
}

/** A failed build's error for the UI, which shows the output lines on their own: the hint without them. */
function failureInfo(error: unknown): ErrorInfo {
  const info = errorInfo(error).toInfo();
  const hint = info.hint?.split(LAST_LINES)[0]?.trim();
  return hint === undefined || hint === '' ? { code: info.code, message: info.message } : { ...info, hint };
}

/** Folds the builder's events into progress pushes. */
function tracker(progress: ImageBuildProgress, emit: (progress: ImageBuildProgress) => void) {
  let lastStatus = 0;
  return (event: BuildEvent) => {
    const step = event.kind === 'step' ? /^Step (\d+)\/(\d+) : (.*)$/.exec(event.text) : null;
    if (step !== null) progress.step = { index: Number(step[1]), total: Number(step[2]), text: step[3]!.slice(0, 300) };
    if (event.kind === 'status') {
      const now = Date.now();
      if (now - lastStatus < STATUS_EVERY_MS) return;
      lastStatus = now;
    }
    progress.lines = [...progress.lines, event.text.slice(0, 500)].slice(-SHOWN_LINES);
    emit({ ...progress, lines: [...progress.lines] });
  };
}

export function createImageBuilds(options: ImageBuildsOptions): ImageBuilds {
  let current: { progress: ImageBuildProgress; controller: AbortController } | undefined;
  let last: ImageBuildProgress | undefined;
  return {
    async status() {
      const build = current?.progress ?? last;
      const base = { image: options.image, ...(build === undefined ? {} : { build: { ...build } }) };
      try {
        await checkDocker(options.docker);
        const found = await inspectImage(options.docker, options.image);
        return { ...base, state: found === undefined ? 'missing' : 'ready' };
      } catch (error) {
        return { ...base, state: 'unavailable', error: errorInfo(error).toInfo() };
      }
    },
    build(recipe) {
      if (current !== undefined)
        throw new AppError('conflict', `${current.progress.tag} is already being built; wait for it to end.`);
      const progress: ImageBuildProgress = { tag: options.image, recipe, step: undefined, lines: [], done: false };
      const controller = new AbortController();
      current = { progress, controller };
      options.emit({ ...progress });
      const finish = (error?: unknown) => {
        const ended: ImageBuildProgress = { ...progress, lines: [...progress.lines], done: true };
        if (error !== undefined) ended.error = failureInfo(error);
        last = ended;
        current = undefined;
        options.emit(ended);
      };
      void checkDocker(options.docker)
        .then(() =>
          buildSandboxImage(options.docker, {
            recipe,
            tag: options.image,
            signal: controller.signal,
            onEvent: tracker(progress, options.emit),
            ...(options.contextDir === undefined ? {} : { contextDir: options.contextDir }),
          }),
        )
        .then(
          () => finish(),
          (error: unknown) => finish(error ?? new Error('the build failed')),
        );
      return { started: true, tag: options.image };
    },
    close() {
      current?.controller.abort();
    },
  };
}
