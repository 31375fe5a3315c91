// The names of every request and push channel between the main process and the UI. Kept free of
// dependencies so the sandboxed preload can bundle it without pulling in zod.
export const requestChannels = [
  'app.info',
  'runs.list',
  'runs.get',
  'runs.search',
  'runs.start',
  'runs.stop',
  'runs.resume',
  'runs.fork',
  'approvals.decide',
  'blobs.get',
  'specs.list',
  'specs.run',
  'specs.save',
  'models.list',
  'models.pull',
  'models.import',
  'models.chat',
  'models.probes',
  'models.probe',
  'jobs.logs',
  'artifacts.open',
  'artifacts.reveal',
  'settings.get',
  'settings.update',
  'secrets.set',
  'secrets.clear',
  'storage.usage',
  'providers.test',
  'targets.check',
  'runs.replay',
  'runs.compare',
  'runs.export',
  'examples.replay',
  'replays.plan',
  'runs.delete',
  'sandbox.status',
  'sandbox.build',
  'workspace.files',
  'workspace.file',
  'workspace.diff',
  'benches.list',
  'benches.get',
] as const;

export const pushChannels = [
  'run.updated',
  'run.delta',
  'run.output',
  'models.progress',
  'models.chat.delta',
  'models.probe.progress',
  'sandbox.progress',
] as const;

export type RequestChannel = (typeof requestChannels)[number];
export type PushChannel = (typeof pushChannels)[number];

export function isRequestChannel(value: unknown): value is RequestChannel {
  return typeof value === 'string' && (requestChannels as readonly string[]).includes(value);
}

export function isPushChannel(value: unknown): value is PushChannel {
  return typeof value === 'string' && (pushChannels as readonly string[]).includes(value);
}
