// Making an app whose Docker engine is somewhere else: dockerode reads DOCKER_HOST when it is made, so the
// variable is set only while `build` runs.

/** What `build` returns, made with DOCKER_HOST set to `host` (e.g. `unix:///nowhere/docker.sock`). */
export function withDockerHost<T>(host: string, build: () => T): T {
  const before = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = host;
  try {
    return build();
  } finally {
    if (before === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = before;
  }
}
