// The sandbox image for the start form: whether the image runs use is built (asked again on demand, e.g.
// after a run could not start), and the app's build of it, whose progress the main process pushes to
// every window.
import { useCallback, useEffect, useState } from 'react';
import type { ImageBuildProgress, ImageRecipe, SandboxImageStatus } from '../../../../shared/sandbox-image';
import { ApiError, getBridge, request } from '../../bridge';

export interface SandboxImage {
  status: SandboxImageStatus | undefined;
  /** The build in progress, or the last one; its pushes are newer than the status. */
  build: ImageBuildProgress | undefined;
  start(recipe: ImageRecipe): Promise<void>;
  refresh(): void;
}

export function useSandboxImage(): SandboxImage {
  const [status, setStatus] = useState<SandboxImageStatus | undefined>(undefined);
  const [build, setBuild] = useState<ImageBuildProgress | undefined>(undefined);

  const refresh = useCallback(() => {
    request('sandbox.status', {}).then(
      (next) => {
        setStatus(next);
        if (next.build !== undefined) setBuild((current) => current ?? next.build);
      },
      () => undefined,
    );
  }, []);

  useEffect(() => {
    refresh();
    return getBridge()?.subscribe('sandbox.progress', (progress) => {
      setBuild(progress);
      if (progress.done) refresh();
    });
  }, [refresh]);

  const start = useCallback(
    async (recipe: ImageRecipe) => {
      const tag = status?.image ?? '';
      setBuild({ tag, recipe, step: undefined, lines: [], done: false });
      try {
        await request('sandbox.build', { recipe });
      } catch (error) {
        const info =
          error instanceof ApiError
            ? error.info
            : { code: 'internal' as const, message: error instanceof Error ? error.message : String(error) };
        setBuild({ tag, recipe, step: undefined, lines: [], done: true, error: info });
      }
    },
    [status?.image],
  );

  return { status, build, start, refresh };
}
