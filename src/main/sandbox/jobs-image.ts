// Which image a job runs: the run's sandbox image (or the base image where the sandbox falls back to it),
// and for a job that asked for the GPU, the CUDA build (`looplab sandbox build --cuda`), whose torch sees
// the GPU. Without the CUDA build, a GPU job stops and says what to build, unless the person picked the
// sandbox image by hand (LOOPLAB_SANDBOX_IMAGE): then that image is theirs to have made GPU-ready.
import type Docker from 'dockerode';
import { AppError } from '../../shared/errors';
import { BASE_IMAGE, defaultImage } from './container-spec';
import { inspectImage } from './docker-status';
import { searchPathOf } from './sandbox-env';

/** The image `looplab sandbox build --cuda` makes. */
export function defaultCudaImage(version?: string): string {
  return `${defaultImage(version)}-cuda`;
}

export interface JobImageSource {
  docker: Docker;
  /** The run's sandbox image. */
  image: string;
  /** The image GPU jobs run: looplab-sandbox:<version>-cuda unless told otherwise. */
  cudaImage: string;
  /** Whether `image` was picked by hand rather than left to the version's default. */
  imagePicked: boolean;
}

export interface JobImage {
  image: string;
  /** The image's PATH, kept behind the workspace's user installs. */
  searchPath: string | undefined;
}

export function cudaImageMissing(cudaImage: string): AppError {
  return new AppError(
    'unavailable',
    `This job asked for the GPU, but the CUDA sandbox image ${cudaImage} is not built: in the CPU image, torch would see no GPU.`,
    'Build it with `looplab sandbox build --cuda` (needs internet and about 15 GB of disk), or start the job without gpu.',
  );
}

export async function jobImage(source: JobImageSource, gpu: boolean): Promise<JobImage> {
  if (gpu) {
    const cuda = await inspectImage(source.docker, source.cudaImage);
    if (cuda !== undefined) return { image: source.cudaImage, searchPath: searchPathOf(cuda.Config?.Env) };
    if (!source.imagePicked) throw cudaImageMissing(source.cudaImage);
  }
  const found = await inspectImage(source.docker, source.image);
  if (found !== undefined) return { image: source.image, searchPath: searchPathOf(found.Config?.Env) };
  const base = await inspectImage(source.docker, BASE_IMAGE);
  return { image: BASE_IMAGE, searchPath: base === undefined ? undefined : searchPathOf(base.Config?.Env) };
}
