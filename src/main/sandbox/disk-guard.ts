// Keeps a sandbox from filling the disk that holds its workspace. The workspace is a folder of this
// machine bound into the container, so no container limit applies to it: a command writing without end
// would fill the person's disk. While a sandbox runs, the free space of that disk is sampled; when it is
// below the reserve and still falling, the sandbox is stopped (everything in it, including processes
// that left their command's group). Deleting files is never stopped: it frees space.
import { statfs } from 'node:fs/promises';

const POLL_MS = 50;
/** A drop smaller than this between two samples is noise (logs, other programs), not a writer. */
const FALLING_BYTES = 1024 * 1024;

export async function freeBytes(folder: string): Promise<number> {
  const info = await statfs(folder);
  return info.bavail * info.bsize;
}

export class DiskGuard {
  private timer: NodeJS.Timeout | undefined;
  private last: number | undefined;
  private sampling = false;

  constructor(
    private readonly folder: string,
    private readonly reserveBytes: number,
    private readonly onFull: (freeBytes: number) => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.last = undefined;
    this.timer = setInterval(() => void this.sample(), POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const free = await freeBytes(this.folder);
      const falling = this.last !== undefined && free < this.last - FALLING_BYTES;
      this.last = free;
      if (free < this.reserveBytes && falling && this.timer !== undefined) {
        this.stop();
        this.onFull(free);
      }
    } catch {
      // The folder went away with its run; the guard stops with the sandbox.
    } finally {
      this.sampling = false;
    }
  }
}
