// "Build the sandbox image" from the app, against the real Docker engine: the `sandbox.status` and
// `sandbox.build` channels through the app's handlers, progress pushed as `sandbox.progress`. The success
// case builds the real offline recipe under a tag of its own: CI builds the same recipe before the tests
// (looplab-sandbox:ci), so every layer is cached and the build takes seconds. The failure case builds a
// recipe that fails at once, and the person reads what failed with the build's last lines.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatch } from '../src/main/api/handlers';
import { createApp, type App } from '../src/main/app';
import { dockerConnection } from '../src/main/sandbox/docker-socket';
import { createImageBuilds } from '../src/main/sandbox/image-builds';
import { BASE_IMAGE } from '../src/main/sandbox/container-spec';
import type { ImageBuildProgress } from '../src/shared/sandbox-image';
import { requireDocker, skipDocker } from './helpers/docker';
import { makeTempHome, type TempHome } from './helpers/temp-home';

const tag = `looplab-sandbox:build-test-${process.pid}`;

function removeImage(name: string): void {
  try {
    execFileSync('docker', ['rmi', '--force', name], { stdio: 'pipe' });
  } catch {
    // not there
  }
}

/** Collects progress pushes and resolves with the one that ends the build. */
function untilDone(subscribe: (listener: (progress: ImageBuildProgress) => void) => void) {
  const seen: ImageBuildProgress[] = [];
  const done = new Promise<ImageBuildProgress>((resolve) =>
    subscribe((progress) => {
      seen.push(progress);
      if (progress.done) resolve(progress);
    }),
  );
  return { seen, done };
}

describe.skipIf(skipDocker)('building the sandbox image from the app', () => {
  let home: TempHome;
  let app: App;

  beforeAll(() => {
    requireDocker();
    removeImage(tag);
    process.env.LOOPLAB_SANDBOX_IMAGE = tag;
    home = makeTempHome();
    app = createApp({ home: home.paths.root, ui: 'web' });
  });

  afterAll(async () => {
    await app?.shutdown();
    home?.remove();
    removeImage(tag);
  });

  it('says the image is missing, builds it with progress, then says it is ready', async () => {
    expect(await dispatch(app.handlers, 'sandbox.status', {})).toEqual({
      ok: true,
      value: { image: tag, state: 'missing' },
    });
    const progress = untilDone((listener) =>
      app.pushes.subscribe((channel, payload) => {
        if (channel === 'sandbox.progress') listener(payload as ImageBuildProgress);
      }),
    );
    expect(await dispatch(app.handlers, 'sandbox.build', { recipe: 'offline' })).toEqual({
      ok: true,
      value: { started: true, tag },
    });
    // One build at a time.
    const again = await dispatch(app.handlers, 'sandbox.build', { recipe: 'offline' });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });

    const ended = await progress.done;
    expect(ended).toMatchObject({ tag, recipe: 'offline', done: true });
    expect(ended.error).toBeUndefined();
    expect(ended.step?.total).toBeGreaterThan(1);
    expect(ended.step?.index).toBe(ended.step?.total);
    expect(progress.seen.some((seen) => seen.lines.some((line) => line.startsWith('Step 1/')))).toBe(true);
    const status = await dispatch(app.handlers, 'sandbox.status', {});
    expect(status).toMatchObject({ ok: true, value: { image: tag, state: 'ready', build: { done: true } } });
  }, 600_000);

  it('refuses a recipe it does not know', async () => {
    const result = await dispatch(app.handlers, 'sandbox.build', { recipe: 'gpu' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('ends a failed build with what failed and its last lines', async () => {
    const context = mkdtempSync(join(tmpdir(), 'looplab-recipe-'));
    writeFileSync(
      join(context, 'Dockerfile.offline'),
      `FROM ${BASE_IMAGE}\nRUN echo "fetching the wheels" && echo "no space left on device" >&2 && exit 3\n`,
    );
    const failingTag = `${tag}-failing`;
    const builds = createImageBuilds({
      docker: new Docker(dockerConnection()),
      image: failingTag,
      contextDir: context,
      emit: (payload) => listener?.(payload),
    });
    let listener: ((progress: ImageBuildProgress) => void) | undefined;
    const progress = untilDone((given) => (listener = given));
    try {
      builds.build('offline');
      const ended = await progress.done;
      expect(ended.error?.message).toMatch(new RegExp(`^Building ${failingTag} failed: .*returned a non-zero code: 3`));
      // The lines come on their own (the UI shows them as a console), not again in the hint.
      expect(ended.error?.hint).toBeUndefined();
      expect(ended.lines.join('\n')).toContain('fetching the wheels');
      expect(ended.lines.join('\n')).toContain('no space left on device');
      expect(await builds.status()).toMatchObject({ image: failingTag, state: 'missing', build: { done: true } });
    } finally {
      rmSync(context, { recursive: true, force: true });
      removeImage(failingTag);
    }
  }, 120_000);
});
