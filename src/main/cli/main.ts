// The `looplab` command line: the same store and handlers as the app, for scripts and headless machines.
// Each command's work, and what it needs (the store, the sandbox, the model SDKs), is imported when that
// command runs, so a command that reads history starts as fast as the store opens.
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { AppError, formatError } from '../../shared/errors';
import { homePaths } from '../home';
import { DataFolderError, EXIT_DATA_FOLDER } from '../store/storage-errors';
import { appVersion } from '../version';
import { homeOf, parse } from './cli-options';
import { benchCommand } from './bench-command';
import { targetsCommand } from './targets-command';
import { ExitStatus } from './exit-status';
import { historyCommands } from './history-commands';
import { lifecycleCommands } from './lifecycle-command';
import { loopCommands } from './loop-commands';
import { mcpCommand } from './mcp-command';
import { modelsCommand } from './models-command';
import { publishCommand } from './publish-command';
import { sandboxCommand } from './sandbox-command';
import { specCommand } from './spec-command';

type Write = (text: string) => void;

function serveCommand(write: Write): Command {
  return new Command('serve')
    .description('serve the UI and its API on 127.0.0.1 for a browser')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '7317')
    .option('--open', 'open the UI in the default browser')
    .action(async (options: { port: string; open?: boolean }, command: Command) => {
      const port = parse(z.coerce.number().int().min(0).max(65_535), options.port, '--port (0-65535)');
      const home = homeOf(command);
      const { serve } = await import('./serve');
      await serve({ home, port, open: options.open ?? false, write });
    });
}

function buildProgram(write: Write): Command {
  const program = new Command('looplab')
    .description('Looplab: agent loops for ML work that you can see, constrain and rerun.')
    .version(appVersion())
    .option('--home <dir>', 'data folder (default: LOOPLAB_HOME, else the app-data folder)')
    .showHelpAfterError()
    .exitOverride();
  const models = async (command: Command) => {
    const { modelResolver } = await import('../runs/readiness');
    return modelResolver(homePaths(homeOf(command)));
  };
  // These take the program's settings (usage errors end in status 2, with the help after them).
  const inheriting = (command: Command) => command.copyInheritedSettings(program);
  for (const command of [
    ...historyCommands(write).map(inheriting),
    ...loopCommands(write).map(inheriting),
    ...lifecycleCommands({ write }),
    sandboxCommand({ write }),
    specCommand({ write }),
    modelsCommand({ write, models }),
    inheriting(benchCommand(write)),
    inheriting(targetsCommand(write)),
    inheriting(publishCommand(write)),
    inheriting(mcpCommand(write)),
    inheriting(serveCommand(write)),
  ])
    program.addCommand(command);
  return program;
}

/**
 * Runs the command line and returns the exit status: 0 ok, 1 failed, 2 bad usage, 8 the data folder
 * cannot be written (full disk, read-only); `run` adds exitCodes.
 */
export async function main(
  argv: readonly string[],
  write: Write = (text) => void process.stdout.write(text),
): Promise<number> {
  const program = buildProgram(write);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ExitStatus) return error.code;
    if (error instanceof AppError) {
      process.stderr.write(`looplab: ${formatError(error.toInfo())}\n`);
      if (error instanceof DataFolderError) return EXIT_DATA_FOLDER;
      return error.code === 'invalid_input' ? 2 : 1;
    }
    process.stderr.write(`looplab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
