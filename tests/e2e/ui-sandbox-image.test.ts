// The home screen when the sandbox image is not built, in Chromium against `looplab serve` and the real
// Docker engine: the start form says so and offers the recipes; a build that fails shows its last lines
// and what failed; a second try with another recipe builds the image, and the form says runs can start.
// The recipes are small stand-ins (LOOPLAB_SANDBOX_RESOURCES) on the offline base image, so the builds
// take seconds; tests/sandbox-image-build.test.ts builds the real offline recipe through the same channel.
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../../src/main/sandbox/container-spec';
import { launchChromium, openServe, skipBrowser } from '../helpers/browser';
import { requireDocker, skipDocker } from '../helpers/docker';
import { makeTempHome, type TempHome } from '../helpers/temp-home';

const root = join(import.meta.dirname, '..', '..');
const screenshots = join(root, 'test-results');
const tag = `looplab-sandbox:ui-build-${process.pid}`;

function removeImage(): void {
  try {
    execFileSync('docker', ['rmi', '--force', tag], { stdio: 'pipe' });
  } catch {
    // not there
  }
}

describe.skipIf(skipBrowser || skipDocker)('building the sandbox image from the home screen', () => {
  let home: TempHome;
  let resources: string;
  let serve: ChildProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    requireDocker();
    removeImage();
    home = makeTempHome();
    resources = mkdtempSync(join(tmpdir(), 'looplab-recipes-'));
    copyFileSync(join(root, 'resources', 'sandbox', 'agent.py'), join(resources, 'agent.py'));
    writeFileSync(
      join(resources, 'Dockerfile.offline'),
      `FROM ${BASE_IMAGE}\nRUN echo "reading the Debian mirror" && echo "E: Unable to locate package python3-sklearn" >&2 && exit 100\n`,
    );
    writeFileSync(join(resources, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN echo "installing" > /tmp/installed\n`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(60_000);
    mkdirSync(screenshots, { recursive: true });
    serve = await openServe(page, home.paths.root, {
      LOOPLAB_SANDBOX_IMAGE: tag,
      LOOPLAB_SANDBOX_RESOURCES: resources,
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill('SIGTERM');
    home?.remove();
    if (resources !== undefined) rmSync(resources, { recursive: true, force: true });
    removeImage();
  });

  const panel = (state: string) => page.locator(`[data-testid="sandbox-image"][data-state="${state}"]`);

  it('offers to build the missing image, and shows a failed build with its last lines', async () => {
    await panel('missing').waitFor();
    expect(await panel('missing').textContent()).toContain(`Runs execute the agent’s commands in Docker, in ${tag}.`);
    await page.getByTestId('recipe-offline').check();
    await page.getByTestId('sandbox-build').click();
    await page.getByTestId('sandbox-build-error').waitFor();
    await page.screenshot({ path: join(screenshots, 'ui-sandbox-build-failed.png') });
    expect(await page.getByTestId('sandbox-build-error').textContent()).toContain(`Building ${tag} failed:`);
    expect(await page.getByTestId('sandbox-build-lines').textContent()).toContain('reading the Debian mirror');
    expect(await page.getByTestId('sandbox-build').textContent()).toBe('Try again');
  });

  it('builds it with another recipe, and says runs can start', async () => {
    await page.getByTestId('recipe-online').check();
    await page.getByTestId('sandbox-build').click();
    await panel('ready').waitFor();
    expect(await panel('ready').textContent()).toBe(`${tag} is built: runs can start.`);
    expect(execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', tag]).toString()).toMatch(/^sha256:/);
  });
});
