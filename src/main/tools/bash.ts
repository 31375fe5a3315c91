// Runs a shell command in the run's sandbox, with a timeout; the output streams as it comes.
import { z } from 'zod';
import { defineTool } from '../core/tool';

const input = z.object({
  command: z.string().min(1).max(100_000).describe('A bash command, run in the workspace folder.'),
  timeout: z.number().int().min(1).max(3600).optional().describe('Seconds before the command is killed (default 120).'),
});

export const bashTool = defineTool({
  name: 'bash',
  description:
    'Run a bash command in the sandbox, in the workspace folder. For long training or evaluation, start a job instead.',
  input,
  risk: 'exec',
  summarize: ({ command }) => command,
  run: async ({ command, timeout = 120 }, ctx) => {
    const result = await ctx.workspace.exec(command, {
      timeoutMs: timeout * 1000,
      signal: ctx.signal,
      onOutput: ctx.progress,
    });
    const status = result.timedOut ? `killed after ${timeout} s` : `exit code ${result.exitCode ?? 'none'}`;
    return {
      output: `${result.output}${result.output.endsWith('\n') || result.output === '' ? '' : '\n'}[${status}]`,
      isError: result.timedOut || result.exitCode !== 0,
    };
  },
});
