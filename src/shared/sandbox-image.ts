// The sandbox image as the UI sees it: whether the image runs use is built, and a build made from the
// app (`sandbox.build`) with its progress pushed as `sandbox.progress`.
import type { ErrorInfo } from './errors';

/** The image recipes of resources/sandbox, as `looplab sandbox build` names them. */
export const imageRecipes = ['online', 'offline', 'cuda'] as const;
export type ImageRecipe = (typeof imageRecipes)[number];

export interface ImageBuildProgress {
  tag: string;
  recipe: ImageRecipe;
  /** The Dockerfile step being run (`Step 3/9 : RUN …` gives 3 and 9), once the first is reached. */
  step: { index: number; total: number; text: string } | undefined;
  /** The build's last output lines. */
  lines: string[];
  done: boolean;
  /** Set when the build ended in failure: what went wrong, with the last lines in its hint. */
  error?: ErrorInfo | undefined;
}

export interface SandboxImageStatus {
  /** The image runs use (LOOPLAB_SANDBOX_IMAGE, else looplab-sandbox:<version>). */
  image: string;
  /** `unavailable`: Docker does not answer (`error` says why and what to do). */
  state: 'ready' | 'missing' | 'unavailable';
  error?: ErrorInfo | undefined;
  /** The build in progress or the last one made since the app started. */
  build?: ImageBuildProgress | undefined;
}
