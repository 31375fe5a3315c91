// The run's workspace inside its Docker sandbox: the `read`, `write`, `edit` and `bash` tools reach files
// and run commands through the agent in the run's container. Refusals and failures become WorkspaceErrors
// the model can read; the container, the run and later calls keep working after any of them.
import { WorkspaceError, type ExecResult, type Workspace } from '../core/tool';
import { AppError, formatError } from '../../shared/errors';
import { AgentGone, AgentRefusal } from './agent-protocol';
import type { AgentConnection } from './agent-connection';
import type { SandboxContainer } from './container';
import { HeadTailBuffer } from './stream-limits';
import { outOfMemoryNote, READ_LIMIT_BYTES, refusalMessage } from './workspace-messages';

/** What a command's result keeps of its output (head and tail); everything still streams to onOutput. */
const OUTPUT_CAP_CHARS = 10 * 1024 * 1024;
const RESTART_NOTE =
  '[the sandbox had no room for a new process and was restarted: its processes and /tmp were cleared, /workspace is kept]';

export class DockerWorkspace implements Workspace {
  constructor(private readonly container: SandboxContainer) {}

  readFile(path: string): Promise<string> {
    return this.call(path, `reading ${path}`, (agent) => agent.readFile(path, READ_LIMIT_BYTES));
  }

  async writeFile(path: string, content: string): Promise<void> {
    try {
      await this.container.checkRoom(Buffer.byteLength(content));
    } catch (error) {
      if (error instanceof AppError) throw new WorkspaceError(error.message);
      throw error;
    }
    return this.call(path, `writing ${path}`, (agent) => agent.writeFile(path, content));
  }

  async exec(
    command: string,
    options: { timeoutMs: number; signal: AbortSignal; onOutput?: (chunk: string) => void },
  ): Promise<ExecResult> {
    if (options.signal.aborted) return { exitCode: null, output: '', timedOut: false };
    const output = new HeadTailBuffer(OUTPUT_CAP_CHARS);
    const onOutput = (text: string) => {
      output.append(text);
      options.onOutput?.(text);
    };
    const run = (agent: AgentConnection) =>
      agent.exec(command, { timeoutMs: options.timeoutMs, signal: options.signal, onOutput });
    const exit = await this.call('the command', 'the command ran', run, async (refusal) => {
      if (refusal.code !== 'spawn') return undefined;
      // No room for one more process (something escaped its group and filled the PIDs limit): start over.
      await this.container.restart();
      onOutput(`${RESTART_NOTE}\n`);
      return run(await this.container.agent());
    });
    if (exit.oom) {
      const sofar = output.text();
      onOutput(
        `${sofar === '' || sofar.endsWith('\n') ? '' : '\n'}${outOfMemoryNote(this.container.memoryLimitBytes)}\n`,
      );
    }
    return { exitCode: exit.cancelled ? null : exit.code, output: output.text(), timedOut: exit.timed_out };
  }

  private async call<T>(
    path: string,
    doing: string,
    work: (agent: AgentConnection) => Promise<T>,
    recover: (refusal: AgentRefusal) => Promise<T | undefined> = async () => undefined,
  ): Promise<T> {
    let agent: AgentConnection;
    try {
      agent = await this.container.agent();
    } catch (error) {
      if (error instanceof AppError) throw new WorkspaceError(formatError(error.toInfo()));
      throw error;
    }
    try {
      return await work(agent);
    } catch (error) {
      if (error instanceof AgentRefusal) {
        const recovered = await recover(error).catch(() => undefined);
        if (recovered !== undefined) return recovered;
        throw new WorkspaceError(refusalMessage(path, error));
      }
      if (error instanceof AgentGone)
        throw new WorkspaceError(
          `The sandbox stopped while ${doing}: ${await this.container.describeLoss()}. It restarts on the next call; files in /workspace are kept.`,
        );
      throw error;
    }
  }
}
