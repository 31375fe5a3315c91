// What kind of Docker engine runs the containers, as far as it changes how they must be made:
// - rootless Docker maps the container's root to the person's own user and any other uid to a range the
//   person does not own, so a container running as the person's uid (as under a rootful engine) cannot
//   write the workspace folder; there the container runs as its root, which is that person, still with
//   every capability dropped and no new privileges;
// - with SELinux enforcing, a bind-mounted folder must be relabelled (`:z`) or the container cannot read
//   it; Docker's Mounts API has no relabel option, so such mounts are given as Binds.
import type Docker from 'dockerode';
import { z } from 'zod';

export interface EngineProfile {
  rootless: boolean;
  selinux: boolean;
  /** The engine remaps every container's uids (`userns-remap`): a folder of the host is nobody's inside. */
  usernsRemap?: boolean;
}

export const PLAIN_ENGINE: EngineProfile = { rootless: false, selinux: false };

const infoSchema = z.object({ SecurityOptions: z.array(z.string()).nullable().catch(null) });
const seen = new WeakMap<object, Promise<EngineProfile>>();

/** The engine's profile, asked once per client; an engine that does not say is taken as a plain one. */
export function engineProfile(docker: Pick<Docker, 'info'>): Promise<EngineProfile> {
  let profile = seen.get(docker);
  if (profile === undefined) {
    profile = docker
      .info()
      .then((info: unknown) => profileOf(infoSchema.parse(info).SecurityOptions ?? []))
      .catch(() => PLAIN_ENGINE);
    seen.set(docker, profile);
  }
  return profile;
}

/** From `docker info`'s SecurityOptions, e.g. ["name=seccomp,profile=builtin", "name=rootless", "name=selinux"]. */
export function profileOf(securityOptions: readonly string[]): EngineProfile {
  const names = new Set(securityOptions.map((option) => /(?:^|,)name=([^,]+)/.exec(option)?.[1]));
  const profile: EngineProfile = { rootless: names.has('rootless'), selinux: names.has('selinux') };
  return names.has('userns') ? { ...profile, usernsRemap: true } : profile;
}

export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** The container's bind mounts, relabelled where SELinux needs it. */
export function bindMounts(
  mounts: readonly BindMount[],
  engine: EngineProfile,
): Pick<Docker.HostConfig, 'Mounts' | 'Binds'> {
  if (engine.selinux)
    return { Binds: mounts.map((mount) => `${mount.source}:${mount.target}:${mount.readOnly ? 'ro,z' : 'z'}`) };
  return {
    Mounts: mounts.map((mount) => ({
      Type: 'bind',
      Source: mount.source,
      Target: mount.target,
      ReadOnly: mount.readOnly,
    })),
  };
}

/** The container's user: its root under rootless Docker (the person, mapped), else the user asked for. */
export function engineUser(user: string, engine: EngineProfile): string {
  return engine.rootless ? '0:0' : user;
}

const osSchema = z.object({ OperatingSystem: z.string().catch('') });

/**
 * Whether the engine runs its containers in a VM of its own (Docker Desktop; on macOS and Windows every
 * engine does), where a Unix socket of this machine cannot be mounted into a container.
 */
export async function engineInVm(docker: Pick<Docker, 'info'>, platform = process.platform): Promise<boolean> {
  if (platform !== 'linux') return true;
  try {
    return /docker desktop/i.test(osSchema.parse(await docker.info()).OperatingSystem);
  } catch {
    return false;
  }
}
