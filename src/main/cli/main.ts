// The `looplab` command line: the same store and handlers as the app, for scripts and headless machines.
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { AppError, formatError } from '../../shared/errors';
import { runIdSchema } from '../../shared/contract';
import { runStatusSchema } from '../../shared/events';
import { createApp, type App } from '../app';
import { homePaths, resolveHome } from '../home';
import { DataFolderError, EXIT_DATA_FOLDER } from '../store/storage-errors';
import { appVersion } from '../version';
import { compareRuns } from '../../shared/compare-runs';
import { formatComparison } from './compare-output';
import { exportCommand, importCommand } from './archive-command';
import { formatRunList, formatRunShow } from './output';
import { DEFAULT_CONTEXT_CAP, DEFAULT_MODEL, modelResolver } from '../runs/readiness';
import { forkRun } from './fork';
import { resumeRun, runGoal, runSpec, type RunCommandOptions } from './run';
import { ExitStatus } from './exit-status';
import { modelsCommand } from './models-command';
import { specCommand } from './spec-command';
import { headlessSecretStore } from '../settings/secret-store';
import { loadSettings } from '../settings/settings-store';
import { replayRun } from './replay-command';
import { ensureExample, EXAMPLE_HINT, hasExample } from '../runs/example';
import { lifecycleCommands, listRuns } from './lifecycle-command';
import { sandboxCommand } from './sandbox-command';
import { serve } from './serve';

interface GlobalOptions {
  home?: string;
}

export function withApp<T>(command: Command, work: (app: App) => T, access: 'write' | 'read' = 'write'): T {
  const options = command.optsWithGlobals<GlobalOptions>();
  const app = createApp({ home: resolveHome({ flag: options.home }), ui: 'web', access });
  try {
    return work(app);
  } finally {
    app.close();
  }
}

/** withApp for work that waits: the store closes when the work has settled. */
async function withAppAsync<T>(command: Command, work: (app: App) => Promise<T>): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const app = createApp({ home: resolveHome({ flag: options.home }), ui: 'web' });
  try {
    return await work(app);
  } finally {
    app.close();
  }
}

const numberIssues = new Set(['invalid_type', 'too_small', 'too_big', 'not_multiple_of']);

/** An option's value checked against its schema; `what` names the option with what it takes ("--max-time (seconds ≥ 1)"). */
function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // zod's words for a number ("expected int, received number") say less than `what`; its words for a
  // choice, a format or a rule of ours (a run id "looks like run_…") say more.
  const said = result.error.issues.filter((issue) => !numberIssues.has(issue.code)).map((issue) => issue.message);
  throw new AppError(
    'invalid_input',
    `Invalid ${what}: ${JSON.stringify(value)}${said.length > 0 ? ` (${said.join('; ')})` : ''}.`,
  );
}

interface RawLoopOptions {
  model?: string;
  approve: string;
  requireApproval?: string;
  maxSteps?: string;
  maxTokens?: string;
  maxCost?: string;
  maxTime?: string;
  hostExec?: boolean;
  network?: boolean;
  contextLength?: string;
  json?: boolean;
}

const positiveInt = z.coerce.number().int().positive();

interface SpecFlags {
  spec?: string;
  param: Record<string, string>;
}

interface RawReplayOptions {
  onDivergence: string;
  model?: string;
  contextLength?: string;
  approve: string;
  allowHost?: boolean;
  network?: boolean;
  allowMcp?: boolean;
  json?: boolean;
}

interface ForkFlags {
  at: string;
  message?: string;
  decision?: 'approve' | 'reject';
  feedback?: string;
}

function collectParam(value: string, previous: Record<string, string>): Record<string, string> {
  const match = /^([a-zA-Z_][a-zA-Z0-9_]*)=(.*)$/s.exec(value);
  if (match === null) {
    throw new AppError('invalid_input', `Invalid --param ${value}.`, 'Write it as --param name=value.');
  }
  return { ...previous, [match[1]!]: match[2]! };
}

function loopSettings(raw: RawLoopOptions, command: Command, write: (text: string) => void): RunCommandOptions {
  const optional = <T>(schema: z.ZodType<T>, value: string | undefined, what: string) =>
    value === undefined ? undefined : parse(schema, value, what);
  const home = resolveHome({ flag: command.optsWithGlobals<GlobalOptions>().home });
  const paths = homePaths(home);
  // settings.json fills what the flags leave out; a broken file stops here with what to fix.
  const settings = loadSettings(paths);
  return {
    home,
    model: raw.model ?? (process.env.LOOPLAB_MODEL === '' ? undefined : process.env.LOOPLAB_MODEL),
    approve: parse(z.enum(['auto', 'ask', 'deny']), raw.approve, '--approve'),
    requireApproval: (raw.requireApproval ?? '')
      .split(',')
      .map((tool) => tool.trim())
      .filter((tool) => tool !== ''),
    maxSteps: optional(positiveInt, raw.maxSteps, '--max-steps (a whole number ≥ 1)'),
    maxTokens: optional(positiveInt, raw.maxTokens, '--max-tokens (a whole number ≥ 1)'),
    maxCost: optional(z.coerce.number().positive(), raw.maxCost, '--max-cost (dollars, above 0)'),
    maxTimeSeconds: optional(positiveInt, raw.maxTime, '--max-time (seconds ≥ 1)'),
    hostExec: raw.hostExec ?? false,
    network: raw.network ?? false,
    contextLength: optional(positiveInt, raw.contextLength, '--context-length (tokens ≥ 1)'),
    json: raw.json ?? false,
    models: modelResolver(paths, process.env, headlessSecretStore(paths)),
    settings,
    write,
    progress: raw.json ? (text) => void process.stderr.write(text) : write,
  };
}

function buildProgram(write: (text: string) => void): Command {
  const program = new Command('looplab')
    .description('Looplab: agent loops for ML work that you can see, constrain and rerun.')
    .version(appVersion())
    .option('--home <dir>', 'data folder (default: LOOPLAB_HOME, else the app-data folder)')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('runs')
    .description('list runs, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many runs', '50')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(runStatusSchema.options))
    .addOption(new Option('--sort <order>', 'newest first, or largest first (disk use)').choices(['time', 'size']))
    .action((options: { json?: boolean; limit: string; status?: string; sort?: string }, command: Command) => {
      const limit = parse(z.coerce.number().int().min(1).max(10_000), options.limit, '--limit (a whole number ≥ 1)');
      const status = options.status === undefined ? undefined : parse(runStatusSchema, options.status, '--status');
      const sort = parse(z.enum(['time', 'size']), options.sort ?? 'time', '--sort');
      withApp(
        command,
        ({ store, paths, lifecycle }) => {
          const runs = listRuns(store, lifecycle, { limit, status, sort, sized: options.json === true });
          write(options.json ? `${JSON.stringify(runs, null, 2)}\n` : formatRunList(runs, paths.root));
          if (!options.json && runs.length === 0 && status === undefined && hasExample()) write(EXAMPLE_HINT);
        },
        'read',
      );
    });

  program
    .command('show')
    .description('show one run with its events in order')
    .argument('<run-id>', 'the run, e.g. run_0m1abc…')
    .option('--json', 'print JSON: the run and its events')
    .option('--no-blobs', 'leave large text as blob references instead of inlining it')
    .action((runIdArg: string, options: { json?: boolean; blobs: boolean }, command: Command) => {
      const runId = parse(runIdSchema, runIdArg, 'run id');
      withApp(
        command,
        ({ store }) => {
          const run = store.requireRun(runId);
          const events = store.loadEvents(runId, { blobs: options.blobs ? 'inline' : 'ref' });
          write(options.json ? `${JSON.stringify({ run, events }, null, 2)}\n` : formatRunShow(run, events));
        },
        'read',
      );
    });

  program
    .command('compare')
    .description('compare two runs: their steps aligned, where they diverge, metrics, tokens, cost and time')
    .argument('<run-a>', 'the first run')
    .argument('<run-b>', 'the second run')
    .option('--json', 'print the comparison as JSON')
    .action((aArg: string, bArg: string, options: { json?: boolean }, command: Command) => {
      const a = parse(runIdSchema, aArg, 'first run id');
      const b = parse(runIdSchema, bArg, 'second run id');
      withApp(
        command,
        ({ store }) => {
          store.requireRun(a);
          store.requireRun(b);
          const comparison = compareRuns(store.loadEvents(a), store.loadEvents(b));
          write(options.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(comparison));
        },
        'read',
      );
    });

  program
    .command('export')
    .description('write a run to one file (secrets removed), to import elsewhere or read as OpenTelemetry spans')
    .argument('<run-id>', 'the run')
    .option(
      '-o, --output <file>',
      'where to write (default: <run-id>.looplab.gz, or <run-id>.otel.json, in the current directory)',
    )
    .option('--force', 'replace the file if it exists')
    .addOption(
      new Option('--format <format>', 'looplab: the run, to import; otel: OpenTelemetry GenAI spans as JSON')
        .choices(['looplab', 'otel'])
        .default('looplab'),
    )
    .action((runIdArg: string, options: { output?: string; format: string; force?: boolean }, command: Command) => {
      const runId = parse(runIdSchema, runIdArg, 'run id');
      const format = parse(z.enum(['looplab', 'otel']), options.format, '--format');
      withApp(
        command,
        ({ store }) => write(exportCommand(store, runId, format, options.output, options.force ?? false)),
        'read',
      );
    });

  program
    .command('import')
    .description('add a run exported with `looplab export` to this data folder, with its id, events and blobs')
    .argument('<file>', 'the exported file')
    .option('--allow-mcp', 'import a run that names MCP servers (they start on this machine when it runs again)')
    .action(async (file: string, options: { allowMcp?: boolean }, command: Command) => {
      await withAppAsync(command, async ({ store }) =>
        write(await importCommand(store, file, { allowMcp: options.allowMcp ?? false })),
      );
    });

  const loopOptions = (command: Command) =>
    command
      .option(
        '--model <provider/model>',
        `the model (default: LOOPLAB_MODEL, else settings.json's defaultModel, else ${DEFAULT_MODEL})`,
      )
      .addOption(
        new Option('--approve <mode>', 'what happens to calls a rule says to ask about')
          .choices(['auto', 'ask', 'deny'])
          .default('ask'),
      )
      .option('--require-approval <tools>', 'ask before these tools, comma-separated (e.g. write,bash)')
      .option('--max-steps <n>', 'stop after this many model calls (default 50)')
      .option('--max-tokens <n>', 'token budget for the run')
      .option('--max-cost <usd>', 'money budget for priced remote models, in US dollars')
      .option('--max-time <seconds>', 'wall-time budget for the run')
      .option('--host-exec', 'run commands on this machine instead of the sandbox (each asks for approval)')
      .option('--network', 'let the sandbox reach the network for this run (none by default)')
      .option(
        '--context-length <tokens>',
        `most context to use (default: the model's window, at most ${DEFAULT_CONTEXT_CAP})`,
      )
      .option('--json', 'print a JSON summary at the end (progress goes to stderr)');

  loopOptions(
    program
      .command('run')
      .description('run the agent loop on a goal, or a loop spec')
      .argument('[goal]', 'what to do, in words')
      .option('--spec <file-or-name>', 'run a loop spec: a .yaml/.json file, or a saved or starter spec by name')
      .option('--param <key=value>', 'a parameter of the spec (repeatable)', collectParam, {}),
  ).action(async (goal: string | undefined, raw: RawLoopOptions & SpecFlags, command: Command) => {
    const settings = loopSettings(raw, command, write);
    if ((goal === undefined) === (raw.spec === undefined)) {
      throw new AppError('invalid_input', 'Give either a goal or --spec, not both and not neither.');
    }
    if (raw.spec === undefined && Object.keys(raw.param).length > 0) {
      throw new AppError(
        'invalid_input',
        '--param is for loop specs.',
        'Add --spec FILE, or put the value in the goal.',
      );
    }
    const code =
      raw.spec === undefined
        ? await runGoal(goal!, settings)
        : await runSpec({ spec: raw.spec, params: raw.param }, settings);
    if (code !== 0) throw new ExitStatus(code);
  });

  loopOptions(
    program
      .command('resume')
      .description('resume an interrupted, stopped or waiting run')
      .argument('<run-id>', 'the run'),
  ).action(async (runIdArg: string, raw: RawLoopOptions, command: Command) => {
    const code = await resumeRun(parse(runIdSchema, runIdArg, 'run id'), loopSettings(raw, command, write));
    if (code !== 0) throw new ExitStatus(code);
  });

  loopOptions(
    program
      .command('fork')
      .description('fork a run from one of its events: its conversation and files as they were there, then on')
      .argument('<run-id>', 'the run')
      .requiredOption('--at <seq>', 'the event to fork from (its # in `looplab show`)')
      .option('--message <text>', 'a message to the model, after that event')
      .addOption(
        new Option('--decision <decision>', 'the other answer to an approval waiting at that event').choices([
          'approve',
          'reject',
        ]),
      )
      .option('--feedback <text>', 'why, with --decision reject'),
  ).action(async (runIdArg: string, raw: RawLoopOptions & ForkFlags, command: Command) => {
    const seq = parse(z.coerce.number().int().min(0), raw.at, '--at (an event number ≥ 0)');
    const message = raw.message === undefined ? undefined : parse(z.string().trim().min(1), raw.message, '--message');
    if (raw.feedback !== undefined && raw.decision !== 'reject') {
      throw new AppError(
        'invalid_input',
        '--feedback is the reason for a rejection: it goes with --decision reject.',
        'Add --decision reject, or give the model a note with --message instead.',
      );
    }
    const decision =
      raw.decision === undefined
        ? undefined
        : raw.decision === 'approve'
          ? ({ decision: 'approved' } as const)
          : ({ decision: 'rejected', feedback: raw.feedback } as const);
    const settings = loopSettings(raw, command, write);
    const code = await forkRun(parse(runIdSchema, runIdArg, 'run id'), { seq, message, decision }, settings);
    if (code !== 0) throw new ExitStatus(code);
  });
  program
    .command('replay')
    .description('replay a recorded run as a new run: its model turns from the recording, its tools run again')
    .argument('<run-id>', 'the recorded run')
    .addOption(
      new Option('--on-divergence <mode>', 'at the first tool result that differs: stop, or continue live')
        .choices(['stop', 'continue'])
        .default('stop'),
    )
    .option('--model <provider/model>', 'the live model after a divergence (default: the recorded run’s)')
    .option('--context-length <tokens>', 'most context to ask of the live model')
    .addOption(
      new Option('--approve <mode>', 'calls the recording never asked about: approve, ask or deny')
        .choices(['auto', 'ask', 'deny'])
        .default('ask'),
    )
    .option('--allow-host', 'a run from elsewhere recorded on its machine’s runtime: run its commands on this machine')
    .option('--network', 'a run from elsewhere recorded with the network: give its sandbox the network')
    .option('--allow-mcp', 'a run from elsewhere that names MCP servers: start them on this machine')
    .option('--json', 'print a JSON summary at the end (progress goes to stderr)')
    .action(async (runIdArg: string, raw: RawReplayOptions, command: Command) => {
      const home = resolveHome({ flag: command.optsWithGlobals<GlobalOptions>().home });
      const code = await replayRun(parse(runIdSchema, runIdArg, 'run id'), {
        home,
        mode: parse(z.enum(['stop', 'continue']), raw.onDivergence, '--on-divergence'),
        model: raw.model,
        contextLength:
          raw.contextLength === undefined
            ? undefined
            : parse(positiveInt, raw.contextLength, '--context-length (tokens ≥ 1)'),
        approve: parse(z.enum(['auto', 'ask', 'deny']), raw.approve, '--approve'),
        grants: { host: raw.allowHost ?? false, network: raw.network ?? false, mcp: raw.allowMcp ?? false },
        json: raw.json ?? false,
        models: modelResolver(homePaths(home)),
        write,
        progress: raw.json ? (text) => void process.stderr.write(text) : write,
      });
      if (code !== 0) throw new ExitStatus(code);
    });

  program
    .command('example')
    .description('replay the recorded example run shipped with Looplab: no model needed, its tools run again')
    .option('--json', 'print a JSON summary at the end (progress goes to stderr)')
    .action(async (raw: { json?: boolean }, command: Command) => {
      const home = resolveHome({ flag: command.optsWithGlobals<GlobalOptions>().home });
      const progress = raw.json ? (text: string) => void process.stderr.write(text) : write;
      const { runId, imported } = withApp(command, ({ store }) => ensureExample(store));
      if (imported) progress(`Imported the example run ${runId}; replaying it.\n`);
      const code = await replayRun(runId, {
        home,
        mode: 'stop',
        approve: 'deny',
        json: raw.json ?? false,
        models: modelResolver(homePaths(home)),
        write,
        progress,
      });
      if (code !== 0) throw new ExitStatus(code);
    });

  for (const command of lifecycleCommands({ write, withApp })) program.addCommand(command);
  program.addCommand(sandboxCommand({ write }));
  program.addCommand(specCommand({ write, withApp, withAppAsync }));
  program.addCommand(
    modelsCommand({
      write,
      models: (command) =>
        modelResolver(homePaths(resolveHome({ flag: command.optsWithGlobals<GlobalOptions>().home }))),
    }),
  );

  program
    .command('serve')
    .description('serve the UI and its API on 127.0.0.1 for a browser')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '7317')
    .option('--open', 'open the UI in the default browser')
    .action(async (options: { port: string; open?: boolean }, command: Command) => {
      const port = parse(z.coerce.number().int().min(0).max(65_535), options.port, '--port (0-65535)');
      const { home } = command.optsWithGlobals<GlobalOptions>();
      await serve({ home: resolveHome({ flag: home }), port, open: options.open ?? false, write });
    });

  return program;
}

/**
 * Runs the command line and returns the exit status: 0 ok, 1 failed, 2 bad usage, 8 the data folder
 * cannot be written (full disk, read-only); `run` adds exitCodes.
 */
export async function main(
  argv: readonly string[],
  write = (text: string) => void process.stdout.write(text),
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
