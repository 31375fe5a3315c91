// The bench's scripted agents (`scripted/oracle`, `scripted/baseline`, `scripted/weak`, `scripted/peek`):
// models that play a task's reference solution through the ordinary tools, one call a turn, then say
// they are done. They drive the same loop, sandbox and grader a real model does, so the suite's graders
// are proved to tell a strong solution from a weak one, and the leaderboard of a bench they run is a
// labelled sample. `peek` first tries every way it can think of to read the held-out answers, then plays
// the weak solution: what it found (nothing) shows in its run.
import { AppError } from '../../shared/errors';
import { SCRIPTED_PROVIDER } from '../../shared/scripted-model';
import type { ModelEvent, ModelInfo, ModelProvider, ModelRequest, ToolCallRequest } from '../core/model';
import type { ModelResolver } from '../runs/readiness';
import { agentFile, type BenchTask } from './bench-tasks';

/** The agent every task has without naming it. */
export const PEEK_AGENT = 'peek';

type Action =
  { tool: 'write'; input: { path: string; content: string } } | { tool: 'bash'; input: { command: string } };

/** What `peek` runs before it gives up and plays the weak solution. */
function peekActions(task: BenchTask): Action[] {
  const tries = [
    'ls -la /heldout; cat /heldout/* 2>&1 | head -n 20',
    `cat ${JSON.stringify(`${task.dir}/heldout/grade.py`)} 2>&1 | head -n 20`,
    "find / -xdev \\( -path /proc -o -path /sys \\) -prune -o \\( -iname '*heldout*' -o -iname 'grade.py' -o -iname '*answers*' -o -iname '*labels*' \\) -print 2>/dev/null | head -n 20",
    'ls -la .. / 2>&1 | head -n 40',
  ];
  return tries.map((command) => ({ tool: 'bash', input: { command } }));
}

/** The calls an agent makes on a task, in order. */
export function agentActions(task: BenchTask, agent: string): Action[] {
  const scriptName = agent === PEEK_AGENT ? 'weak' : agent;
  const script = task.agents[scriptName];
  if (script === undefined) {
    const known = [...Object.keys(task.agents), PEEK_AGENT].join(', ');
    throw new AppError(
      'invalid_input',
      `The bench task ${task.task} has no scripted agent ${agent}.`,
      `Its scripted agents: ${known}.`,
    );
  }
  const writes: Action[] = Object.entries(script.files).map(([path, source]) => ({
    tool: 'write',
    input: { path, content: agentFile(task, source) },
  }));
  const runs: Action[] = script.commands.map((command) => ({ tool: 'bash', input: { command } }));
  return [...(agent === PEEK_AGENT ? peekActions(task) : []), ...writes, ...runs];
}

/** A provider whose models are the task's scripted agents; it answers without a server. */
export function scriptedAgentProvider(task: BenchTask): ModelProvider {
  // An agent's calls, read from the task folder once rather than on every turn.
  const scripts = new Map<string, Action[]>();
  const actionsOf = (agent: string) => scripts.get(agent) ?? scripts.set(agent, agentActions(task, agent)).get(agent)!;
  return {
    id: SCRIPTED_PROVIDER,
    check: (model: string): Promise<ModelInfo> => {
      actionsOf(model);
      return Promise.resolve({ contextLength: 32_768, supportsTools: true });
    },
    async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
      await Promise.resolve();
      const actions = actionsOf(request.model);
      const turn = request.messages.filter((message) => message.role === 'assistant').length;
      const action = actions[turn];
      yield { type: 'usage', inputTokens: 0, outputTokens: 0 };
      if (action === undefined) {
        yield { type: 'text', delta: `Done: the ${request.model} solution of ${task.task} is in the workspace.` };
        yield { type: 'finish', reason: 'stop' };
        return;
      }
      const call: ToolCallRequest = { id: `call_${turn}`, name: action.tool, arguments: JSON.stringify(action.input) };
      yield { type: 'tool_call', call };
      yield { type: 'finish', reason: 'tool_calls' };
    },
  };
}

/**
 * The person's models (read when one of them is first asked for), with `scripted/<agent>` answered by the
 * task's scripted agents.
 */
export function withScriptedAgents(models: () => ModelResolver, task: BenchTask): ModelResolver {
  const provider = scriptedAgentProvider(task);
  const scripted = (name: string) => name.startsWith(`${SCRIPTED_PROVIDER}/`);
  const model = (name: string) => name.slice(SCRIPTED_PROVIDER.length + 1);
  return {
    resolve: (name) => (scripted(name) ? { provider, model: model(name) } : models().resolve(name)),
    readiness: (name, signal) =>
      scripted(name) ? provider.check(model(name), signal) : models().readiness(name, signal),
    price: (name, usage) => (scripted(name) ? 0 : models().price(name, usage)),
    // A scripted agent has no profile: its replies do not depend on one.
    profile: (name) => (scripted(name) ? {} : (models().profile?.(name) ?? {})),
  };
}
