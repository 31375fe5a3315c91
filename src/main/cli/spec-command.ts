// `looplab spec list | check | save`: the loop specs a person can run by name (saved in the data folder,
// and the starters shipped with the app), a check that reports every error with its line, and saving a
// past run as a spec to run again on another model or other data.
import { Command } from 'commander';
import { runIdSchema } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { homeOf } from './cli-options';
import { withApp, withStore } from './data-folder';

export interface SpecCommandDeps {
  write(text: string): void;
}

/** Loop specs are read with the YAML parser, which is loaded only by the commands that read one. */
const loopSpecs = () => import('../specs/loop-spec');

export function specCommand({ write }: SpecCommandDeps): Command {
  const spec = new Command('spec').description('loop specs: list, check and save them');

  spec
    .command('list')
    .description('the saved specs and the starters, by name')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { listSpecs, specDirs } = await loopSpecs();
      await withStore(command, ({ paths }) => {
        const specs = listSpecs(specDirs(paths.root));
        if (options.json) return write(`${JSON.stringify(specs, null, 2)}\n`);
        if (specs.length === 0) return write('No loop specs yet. Save one with `looplab spec save <run-id> <name>`.\n');
        for (const found of specs) {
          const about =
            found.error === undefined ? (found.description ?? '') : `(broken: ${found.error.split('\n')[0]})`;
          write(`${found.name.padEnd(28)} ${about}\n${' '.repeat(29)}${found.file}\n`);
        }
      });
    });

  spec
    .command('check')
    .description(
      'validate a spec, by file or by name (a saved spec or a starter); every error is printed with its line',
    )
    .argument('<spec>', 'the .yaml or .json spec file, or a name from `looplab spec list`')
    .action(async (file: string, _options: unknown, command: Command) => {
      const { findSpec, readLoopSpec, specDirs } = await loopSpecs();
      const parsed = readLoopSpec(findSpec(file, specDirs(homeOf(command))));
      const params = Object.keys(parsed.params);
      write(
        `${parsed.name}: ok${params.length === 0 ? '' : ` (parameters: ${params.join(', ')})`}${parsed.evaluation === undefined ? '' : `, evaluated by ${parsed.evaluation.metric}`}\n`,
      );
    });

  spec
    .command('save')
    .description('save a past run as a spec (its data, parameters, rules, budgets, model and evaluation), to run again')
    .argument('<run-id>', 'the run')
    .argument('<name>', "the spec's name")
    .option('--force', 'replace a saved spec of that name')
    .action(async (runIdArg: string, name: string, options: { force?: boolean }, command: Command) => {
      const runId = runIdSchema.safeParse(runIdArg);
      if (!runId.success) throw new AppError('invalid_input', `Invalid run id ${runIdArg}.`);
      const [{ specNameProblem }, { saveRunAsSpec }] = await Promise.all([loopSpecs(), import('../specs/run-spec')]);
      const problem = specNameProblem(name);
      if (problem !== undefined) throw new AppError('invalid_input', problem, 'Give another name.');
      await withApp(command, async (app) => {
        const saved = await saveRunAsSpec(app, runId.data, name, { overwrite: options.force ?? false });
        for (const notice of saved.notices) write(`${notice}\n`);
        write(`Saved ${name} to ${saved.file}. Run it with: looplab run --spec ${name}\n`);
      });
    });

  return spec;
}
