// `looplab targets list | test NAME`: where jobs can run (this machine, and settings.json's targets), and
// a check of one: it answers, has the image its jobs run in, and can give them GPUs.
import { Command } from 'commander';
import { LOCAL_TARGET, targetAddress, type Target, type TargetCheck } from '../../shared/targets';
import { homePaths } from '../home';
import { homeOf } from './cli-options';
import { withApp } from './data-folder';
import { ExitStatus } from './exit-status';

type Write = (text: string) => void;

async function settingsTargets(command: Command): Promise<Target[]> {
  const { loadSettings } = await import('../settings/settings-store');
  return loadSettings(homePaths(homeOf(command))).targets ?? [];
}

function checkLines(check: TargetCheck): string {
  if (!check.reachable) return `${check.name} (${check.address}): not reachable. ${check.problem ?? ''}\n`;
  const engine = { local: 'Docker', docker: 'Docker', slurm: 'Slurm', kubernetes: 'Kubernetes' }[check.kind];
  const listed = check.gpuInventory !== undefined && check.gpuInventory.length > 0;
  const facts = [
    `${engine} ${check.version ?? '?'}`,
    check.runtime,
    check.image === undefined ? undefined : `image ${check.image.name} ${check.image.present ? 'present' : 'missing'}`,
    listed ? `GPUs: ${check.gpuInventory!.join(', ')}` : check.gpus === true ? 'NVIDIA GPUs' : 'no GPUs',
  ].filter((fact) => fact !== undefined);
  const problem = check.problem === undefined ? '' : `\n  ${check.problem}`;
  return `${check.name} (${check.address}): reachable · ${facts.join(' · ')}${problem}\n`;
}

export function targetsCommand(write: Write): Command {
  const command = new Command('targets').description(
    'where jobs can run: this machine and the targets of settings.json',
  );
  command
    .command('list')
    .description('the compute targets jobs can be sent to')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, sub: Command) => {
      const targets = await settingsTargets(sub);
      if (options.json)
        return write(`${JSON.stringify([{ name: LOCAL_TARGET, kind: 'local' }, ...targets], null, 2)}\n`);
      write(`${LOCAL_TARGET.padEnd(20)} this machine's Docker engine\n`);
      for (const target of targets) {
        const cost = target.costPerGpuHour ?? target.costPerHour;
        const rate = cost === undefined ? '' : ` · $${cost}/${target.costPerGpuHour === undefined ? '' : 'GPU-'}hour`;
        write(`${target.name.padEnd(20)} ${targetAddress(target)}${rate}\n`);
      }
      if (targets.length === 0)
        write('No other targets: add one under "targets" in settings.json (docs/CLI.md says how).\n');
    });
  command
    .command('test')
    .description('check a target: it answers, has the image its jobs run in, and can give them GPUs')
    .argument('[name]', 'a target name (all of them when none is given)')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, options: { json?: boolean }, sub: Command) => {
      const { TargetEngines } = await import('../sandbox/target-engines');
      const { testTarget } = await import('../sandbox/target-check');
      const targets = await settingsTargets(sub);
      const checks = await withApp(sub, async (app) => {
        const engines = new TargetEngines(app.sandbox.docker, () => targets);
        const names = name === undefined ? engines.names() : [name];
        return Promise.all(names.map((each) => testTarget(engines, each, app.sandbox.image)));
      });
      write(options.json ? `${JSON.stringify(checks, null, 2)}\n` : checks.map(checkLines).join(''));
      if (checks.some((check) => !check.reachable || check.image?.present === false)) throw new ExitStatus(1);
    });
  return command;
}
