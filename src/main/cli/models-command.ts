// `looplab models list | pull | unload | probe | import`: the local models Ollama has (context window,
// tools, loaded), pulling one with progress, unloading one, a probe that tells whether a model can drive
// the loop before a run is trusted to it (stored for the start form), and a model made from a run's
// artifact (models-import.ts).
import { Command } from 'commander';
import { formatSize } from '../../shared/format';
import { ensureHome } from '../home';
import { homeOf } from './cli-options';
import { ExitStatus } from './exit-status';
import { modelsImportCommand } from './models-import';
import type { LocalModel, PullProgress } from '../providers/ollama-models';
import type { ModelResolver } from '../runs/readiness';

export interface ModelsCommandDeps {
  write(text: string): void;
  /** The resolver for the data folder the command was given. */
  models(command: Command): Promise<ModelResolver>;
  /** Redraw one progress line in place (a terminal) or print only milestones. */
  interactive?: boolean;
}

const stripProvider = (name: string) => name.replace(/^ollama\//, '');

/** One line of `models list`: the name, then size, parameters, context, tools and where it is loaded. */
function modelLine(model: LocalModel): string {
  const facts = [
    formatSize(model.sizeBytes),
    model.parameterSize,
    `${Math.round(model.contextLength / 1024)}k context`,
    model.supportsTools ? 'tools' : 'no tools',
    model.loadedVramBytes === undefined
      ? undefined
      : model.loadedVramBytes > 0
        ? `loaded (${formatSize(model.loadedVramBytes)} GPU)`
        : 'loaded (CPU)',
  ].filter((fact) => fact !== undefined);
  return `${model.id.padEnd(36)} ${facts.join(' · ')}\n`;
}

/** A pull's progress: one line redrawn in place on a terminal, else a line for each new status. */
function pullProgress(write: (text: string) => void, interactive: boolean): (progress: PullProgress) => void {
  let lastStatus = '';
  return (progress) => {
    const percent =
      progress.total !== undefined && progress.total > 0 && progress.completed !== undefined
        ? ` ${Math.floor((progress.completed / progress.total) * 100)}% of ${formatSize(progress.total)}`
        : '';
    if (interactive) write(`\r\x1b[K${progress.status}${percent}`);
    else if (progress.status !== lastStatus) write(`${progress.status}${percent}\n`);
    lastStatus = progress.status;
  };
}

/** Ollama's client, loaded when a command talks to Ollama. */
async function ollamaModels() {
  const { OllamaModels } = await import('../providers/ollama-models');
  return new OllamaModels();
}

export function modelsCommand({
  write,
  models,
  interactive = process.stdout.isTTY === true,
}: ModelsCommandDeps): Command {
  const command = new Command('models').description('local models: what Ollama has, pull, unload, probe');

  command
    .command('list')
    .description('the models Ollama has installed, with context window, tool support and what is loaded')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const ollama = await ollamaModels();
      const list = await ollama.list();
      if (options.json) return write(`${JSON.stringify(list, null, 2)}\n`);
      if (list.length === 0) {
        return write(`Ollama at ${ollama.host} has no models. Pull one: looplab models pull qwen2.5-coder:7b\n`);
      }
      for (const model of list) write(modelLine(model));
    });

  command
    .command('pull')
    .description('download a model into Ollama, with progress')
    .argument('<name>', 'e.g. qwen2.5-coder:7b')
    .action(async (name: string) => {
      const model = stripProvider(name);
      await (await ollamaModels()).pull(model, pullProgress(write, interactive));
      write(`${interactive ? '\r\x1b[K' : ''}Pulled ${model}. Use it with --model ollama/${model}\n`);
    });

  command
    .command('unload')
    .description('free the memory a loaded model holds (it loads again on its next use)')
    .argument('<name>', 'e.g. qwen2.5-coder:7b')
    .action(async (name: string) => {
      await (await ollamaModels()).unload(stripProvider(name));
      write(`Unloaded ${stripProvider(name)}.\n`);
    });

  command.addCommand(probeCommand(write, models));
  command.addCommand(modelsImportCommand(write, interactive));
  return command;
}

/** `models probe`: four short tool-calling checks, printed as they finish and stored for the start form. */
function probeCommand(write: (text: string) => void, models: ModelsCommandDeps['models']): Command {
  return new Command('probe')
    .description(
      'check with four short tasks that a model calls tools, follows their results, recovers from an error and stops when done',
    )
    .argument('<provider/model>', 'e.g. ollama/qwen2.5-coder:7b')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, sub: Command) => {
      const { checkLine, probeModel } = await import('../runs/model-probe');
      const { probeFile, saveProbe } = await import('../runs/model-probe-store');
      if (!options.json) write(`Probing ${name}: four short tool-calling checks.\n`);
      const report = await probeModel(await models(sub), name, {
        ...(!options.json && { onCheck: (check) => write(`  ${checkLine(check)}\n`) }),
      });
      const paths = ensureHome(homeOf(sub));
      const replaced = saveProbe(paths, report);
      if (options.json) write(`${JSON.stringify(report, null, 2)}\n`);
      else {
        write(`${name}: ${report.passed}/${report.total} checks passed. ${report.recommendation}\n`);
        if (replaced !== undefined) write(`${replaced}\n`);
        write(`Stored in ${probeFile(paths)}; the start form shows it beside the model.\n`);
      }
      if (report.passed < report.total) throw new ExitStatus(1);
    });
}
