// `looplab run | resume | fork | replay | example`: a loop driven from the terminal. The flags are read
// here; the loop and all it brings (the models' resolver, saved secrets, the sandbox, the model SDKs, MCP)
// are imported when a command starts one, so the other commands start without them.
import { Command, Option } from 'commander';
import { z } from 'zod';
import { runIdSchema } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { NETWORK_PRESETS, parseNetworkText, type Network } from '../../shared/network-policy';
import { BUILTIN_DEFAULT_MODEL, DEFAULT_CONTEXT_CAP } from '../../shared/settings';
import { homePaths } from '../home';
import { loadSettings } from '../settings/settings-store';
import { collectParam, homeOf, parse, positiveInt } from './cli-options';
import { withStore } from './data-folder';
import { ExitStatus } from './exit-status';
import type { RunCommandOptions } from './run';

type Write = (text: string) => void;

interface RawLoopOptions {
  model?: string;
  approve: string;
  requireApproval?: string;
  maxSteps?: string;
  maxTokens?: string;
  maxCost?: string;
  maxTime?: string;
  hostExec?: boolean;
  /** `--network` alone is `true` (the full network). */
  network?: boolean | string;
  contextLength?: string;
  json?: boolean;
}

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

async function loopSettings(raw: RawLoopOptions, command: Command, write: Write): Promise<RunCommandOptions> {
  const optional = <T>(schema: z.ZodType<T>, value: string | undefined, what: string) =>
    value === undefined ? undefined : parse(schema, value, what);
  const home = homeOf(command);
  const paths = homePaths(home);
  // settings.json fills what the flags leave out; a broken file stops here with what to fix.
  const settings = loadSettings(paths);
  const [{ modelResolver }, { headlessSecretStore }] = await Promise.all([
    import('../runs/readiness'),
    import('../settings/secret-store'),
  ]);
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
    network: networkFlag(raw.network),
    contextLength: optional(positiveInt, raw.contextLength, '--context-length (tokens ≥ 1)'),
    json: raw.json ?? false,
    models: modelResolver(paths, process.env, headlessSecretStore(paths)),
    settings,
    write,
    progress: raw.json ? (text) => void process.stderr.write(text) : write,
  };
}

/** The `--network` flag: absent (the settings' default), alone (full), or a mode. */
function networkFlag(value: boolean | string | undefined): Network | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'full';
  try {
    return parseNetworkText(value);
  } catch (error) {
    throw new AppError('invalid_input', (error as Error).message);
  }
}

function withLoopOptions(command: Command): Command {
  return command
    .option(
      '--model <provider/model>',
      `the model (default: LOOPLAB_MODEL, else settings.json's defaultModel, else ${BUILTIN_DEFAULT_MODEL})`,
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
    .option(
      '--network [mode]',
      `what the sandbox may reach: none (default), full, or allow:HOST,… with presets ${Object.keys(NETWORK_PRESETS).join(', ')} (e.g. allow:pypi,huggingface); alone, full`,
    )
    .option(
      '--context-length <tokens>',
      `most context to use (default: the model's window, at most ${DEFAULT_CONTEXT_CAP})`,
    )
    .option('--json', 'print a JSON summary at the end (progress goes to stderr)');
}

function runCommand(write: Write): Command {
  const command = new Command('run')
    .description('run the agent loop on a goal, or a loop spec')
    .argument('[goal]', 'what to do, in words')
    .option('--spec <file-or-name>', 'run a loop spec: a .yaml/.json file, or a saved or starter spec by name')
    .option('--param <key=value>', 'a parameter of the spec (repeatable)', collectParam, {});
  return withLoopOptions(command).action(
    async (goal: string | undefined, raw: RawLoopOptions & SpecFlags, command: Command) => {
      const settings = await loopSettings(raw, command, write);
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
      const { runGoal, runSpec } = await import('./run');
      const code =
        raw.spec === undefined
          ? await runGoal(goal!, settings)
          : await runSpec({ spec: raw.spec, params: raw.param }, settings);
      if (code !== 0) throw new ExitStatus(code);
    },
  );
}

function resumeCommand(write: Write): Command {
  const command = new Command('resume')
    .description('resume an interrupted, stopped or waiting run')
    .argument('<run-id>', 'the run');
  return withLoopOptions(command).action(async (runIdArg: string, raw: RawLoopOptions, command: Command) => {
    const runId = parse(runIdSchema, runIdArg, 'run id');
    const settings = await loopSettings(raw, command, write);
    const { resumeRun } = await import('./run');
    const code = await resumeRun(runId, settings);
    if (code !== 0) throw new ExitStatus(code);
  });
}

/** --decision and --feedback as the answer to the approval waiting at the fork's event, if any. */
function forkDecision(raw: ForkFlags) {
  if (raw.feedback !== undefined && raw.decision !== 'reject') {
    throw new AppError(
      'invalid_input',
      '--feedback is the reason for a rejection: it goes with --decision reject.',
      'Add --decision reject, or give the model a note with --message instead.',
    );
  }
  if (raw.decision === undefined) return undefined;
  return raw.decision === 'approve'
    ? ({ decision: 'approved' } as const)
    : ({ decision: 'rejected', feedback: raw.feedback } as const);
}

function forkCommand(write: Write): Command {
  const command = new Command('fork')
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
    .option('--feedback <text>', 'why, with --decision reject');
  return withLoopOptions(command).action(
    async (runIdArg: string, raw: RawLoopOptions & ForkFlags, command: Command) => {
      const seq = parse(z.coerce.number().int().min(0), raw.at, '--at (an event number ≥ 0)');
      const message = raw.message === undefined ? undefined : parse(z.string().trim().min(1), raw.message, '--message');
      const decision = forkDecision(raw);
      const settings = await loopSettings(raw, command, write);
      const runId = parse(runIdSchema, runIdArg, 'run id');
      const { forkRun } = await import('./fork');
      const code = await forkRun(runId, { seq, message, decision }, settings);
      if (code !== 0) throw new ExitStatus(code);
    },
  );
}

function replayCommand(write: Write): Command {
  return new Command('replay')
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
      const home = homeOf(command);
      const runId = parse(runIdSchema, runIdArg, 'run id');
      const options = {
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
        models: (await import('../runs/readiness')).modelResolver(homePaths(home)),
        write,
        progress: raw.json ? (text: string) => void process.stderr.write(text) : write,
      };
      const { replayRun } = await import('./replay-command');
      const code = await replayRun(runId, options);
      if (code !== 0) throw new ExitStatus(code);
    });
}

function exampleCommand(write: Write): Command {
  return new Command('example')
    .description('replay the recorded example run shipped with Looplab: no model needed, its tools run again')
    .option('--json', 'print a JSON summary at the end (progress goes to stderr)')
    .action(async (raw: { json?: boolean }, command: Command) => {
      const home = homeOf(command);
      const progress = raw.json ? (text: string) => void process.stderr.write(text) : write;
      const { ensureExample } = await import('../runs/example');
      const { runId, imported } = await withStore(command, ({ store }) => ensureExample(store));
      if (imported) progress(`Imported the example run ${runId}; replaying it.\n`);
      const { replayRun } = await import('./replay-command');
      const code = await replayRun(runId, {
        home,
        mode: 'stop',
        approve: 'deny',
        json: raw.json ?? false,
        models: (await import('../runs/readiness')).modelResolver(homePaths(home)),
        write,
        progress,
      });
      if (code !== 0) throw new ExitStatus(code);
    });
}

export function loopCommands(write: Write): Command[] {
  return [runCommand(write), resumeCommand(write), forkCommand(write), replayCommand(write), exampleCommand(write)];
}
