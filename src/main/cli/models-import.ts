// `looplab models import <run-id> <artifact-path> --name NAME`: an Ollama model from a run's artifact
// (a LoRA adapter on an Ollama base, or merged safetensors), with Ollama's progress on the terminal.
import { Command } from 'commander';
import { formatSize } from '../../shared/format';
import type { CreateProgress } from '../providers/ollama-create';
import { withStore } from './data-folder';

/** One line per new status, or one line redrawn in place on a terminal. */
function createProgress(write: (text: string) => void, interactive: boolean): (progress: CreateProgress) => void {
  let lastStatus = '';
  return (progress) => {
    const size =
      progress.total !== undefined && progress.total > 0 && progress.completed !== undefined
        ? ` (${formatSize(progress.completed)} of ${formatSize(progress.total)})`
        : '';
    if (interactive) write(`\r\x1b[K${progress.status}${size}`);
    else if (progress.status !== lastStatus) write(`${progress.status}${size}\n`);
    lastStatus = progress.status;
  };
}

interface ImportOptions {
  name: string;
  base?: string;
  force?: boolean;
}

export function modelsImportCommand(write: (text: string) => void, interactive: boolean): Command {
  return new Command('import')
    .description("create an Ollama model from a run's artifact: a LoRA adapter (safetensors) or merged weights")
    .argument('<run-id>', 'the run whose workspace holds the artifact')
    .argument('<artifact-path>', 'a folder in the workspace, e.g. outputs/adapter')
    .requiredOption('--name <name>', 'the new Ollama model, e.g. tickets-lora')
    .option('--base <model>', "the Ollama base for an adapter (default: from the adapter's base_model_name_or_path)")
    .option('--force', 'replace an Ollama model of that name')
    .action(async (runId: string, artifact: string, options: ImportOptions, sub: Command) => {
      const { importArtifact } = await import('../runs/model-import');
      await withStore(
        sub,
        (folder) =>
          importArtifact(
            { store: folder.store, workspaces: folder.paths.workspaces },
            { runId, path: artifact, name: options.name, base: options.base, force: options.force === true },
            createProgress(write, interactive),
          ),
        'read',
      );
      const name = options.name.replace(/^ollama\//, '');
      write(`${interactive ? '\r\x1b[K' : ''}Created ${name}. Use it with --model ollama/${name}\n`);
    });
}
