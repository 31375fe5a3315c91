// `looplab publish <run-id> <path>… --repo owner/name`: the files of a run's workspace to a Hub repo,
// with the card Looplab writes from the run, as the app's hub_publish does. It prints the dry run, then
// asks on the terminal (or goes on with --yes); with no terminal and no --yes it refuses. Private unless
// --public. The dry run goes to stdout, the question and the upload's progress to stderr.
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { runIdSchema } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { homePaths } from '../home';
import { DEFAULT_HUB_URL, hubEndpoint } from '../hub/hub-endpoint';
import { noTokenError } from '../hub/hub-publish-errors';
import type { PublishRequest } from '../hub/hub-publish-plan';
import { homeOf, parse } from './cli-options';
import { withStore } from './data-folder';
import { ExitStatus } from './exit-status';

type Write = (text: string) => void;

export interface PublishIo {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

interface RawOptions {
  repo: string;
  kind: string;
  public?: boolean;
  message?: string;
  withRun?: boolean;
  yes?: boolean;
}

const repoSchema = z
  .string()
  .max(200)
  .regex(/^[\w.-]+\/[\w.-]+$/);

/** The Hub's URL from settings.json when the person set one; else HF_ENDPOINT, else huggingface.co decides. */
async function settingsHubUrl(home: string): Promise<string | undefined> {
  const { loadSettings } = await import('../settings/settings-store');
  try {
    const { hubUrl } = loadSettings(homePaths(home)).providers.huggingFace;
    return hubUrl.replace(/\/+$/, '') === DEFAULT_HUB_URL ? undefined : hubUrl;
  } catch {
    return undefined;
  }
}

async function confirmed(io: PublishIo, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (io.input.isTTY !== true)
    throw new AppError(
      'invalid_input',
      'Publishing asks before sending anything, and there is no terminal to ask on.',
      'Read the dry run above, then run the same command with --yes to publish it.',
    );
  const prompt = createInterface({ input: io.input, output: io.output });
  try {
    const answer = (await prompt.question('Publish this? [y]es / [n]o: ')).trim().toLowerCase();
    return answer === 'y' || answer === 'yes';
  } finally {
    prompt.close();
  }
}

/** What the command line asks for, checked: the repo's id and kind, the paths, and the options. */
function publishRequest(raw: RawOptions, paths: string[]): PublishRequest {
  const repo = parse(repoSchema, raw.repo, '--repo (owner/name)');
  const kind = parse(z.enum(['model', 'dataset']), raw.kind, '--kind');
  return {
    kind,
    repo,
    paths,
    private: raw.public !== true,
    includeRun: raw.withRun === true,
    ...(raw.message === undefined ? {} : { message: raw.message }),
  };
}

/** Runs `work` with a signal that Ctrl-C aborts, so an upload stops between its steps. */
async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', interrupt);
  }
}

async function publishRun(
  command: Command,
  runId: string,
  paths: string[],
  raw: RawOptions,
  write: Write,
  io: PublishIo,
) {
  const home = homeOf(command);
  const request = publishRequest(raw, paths);
  const [{ planPublish }, { publishToHub }, { dryRunText, resultText }, { exportFile }, { appVersion }, secrets] =
    await Promise.all([
      import('../hub/hub-publish-plan'),
      import('../hub/hub-publish'),
      import('../hub/hub-publish-text'),
      import('../runs/run-export'),
      import('../version'),
      import('../settings/secret-store'),
    ]);
  const endpoint = hubEndpoint(
    await settingsHubUrl(home),
    process.env,
    secrets.headlessSecretStore(homePaths(home)).get('hf'),
  );
  const { plan, workspaceFolder } = await withStore(
    command,
    async ({ store, paths: folders }) => {
      store.requireRun(runId);
      const workspaceFolder = join(folders.workspaces, runId);
      const events = store.loadEvents(runId);
      const runExport = () => exportFile(store, runId, 'looplab');
      const version = appVersion();
      return {
        plan: await planPublish(request, { runId, workspaceFolder, events, version, runExport }),
        workspaceFolder,
      };
    },
    'read',
  );
  write(`${dryRunText(plan, endpoint.url)}\n`);
  if (endpoint.token === undefined) throw noTokenError();
  if (!(await confirmed(io, raw.yes === true))) {
    io.output.write('Not published.\n');
    throw new ExitStatus(1);
  }
  const target = { hubUrl: endpoint.url, token: endpoint.token, workspaceFolder };
  await interruptible(async (signal) => {
    const result = await publishToHub(plan, target, (line) => io.output.write(`${line}\n`), signal);
    write(`${resultText(plan, result)}\n`);
  });
}

export function publishCommand(
  write: Write,
  io: PublishIo = { input: process.stdin, output: process.stderr },
): Command {
  return new Command('publish')
    .description(
      "publish files of a run's workspace to a Hub repo, with a card written from the run (private unless --public)",
    )
    .argument('<run-id>', 'the run, e.g. run_0m1abc…')
    .argument('<paths...>', "files or folders of the run's workspace, e.g. outputs/model")
    .requiredOption('--repo <owner/name>', 'the repo to publish to (created if missing)')
    .addOption(new Option('--kind <kind>', 'what the repo holds').choices(['model', 'dataset']).default('model'))
    .option('--public', 'make a new repo public (default: private)')
    .option('--message <text>', 'the commit message')
    .option('--with-run', "attach the run's export (secrets removed), so anyone can replay it")
    .option('--yes', 'publish without asking (for scripts; the dry run is still printed)')
    .action(async (runIdArg: string, paths: string[], raw: RawOptions, command: Command) => {
      const runId = parse(runIdSchema, runIdArg, 'run id');
      await publishRun(command, runId, paths, raw, write, io);
    });
}
