import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pickBenchTasks, readBenchTask } from './bench-tasks';
import { agentActions } from './scripted-agents';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function taskFolder(bench: string, files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'looplab-bench-task-'));
  roots.push(root);
  const dir = join(root, 'churn');
  mkdirSync(join(dir, 'reference'), { recursive: true });
  writeFileSync(join(dir, 'bench.yaml'), bench);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}

const VALID = `task: churn
kind: tabular classification
summary: Who churns.
metric: accuracy
better: higher
floor: 0.6
medals: { bronze: 0.8, silver: 0.85, gold: 0.9 }
agents:
  oracle: { files: { solution.py: reference/strong.py }, commands: ['python3 solution.py'] }
  weak: { files: { solution.py: reference/weak.py }, commands: ['python3 solution.py'] }
`;

describe('bench tasks', () => {
  it('reads a task and turns its scripted agents into the calls they make', () => {
    const dir = taskFolder(VALID, { 'reference/strong.py': 'print("strong")\n', 'reference/weak.py': 'print(0)\n' });
    const task = readBenchTask(dir);
    expect(task.medals.gold).toBe(0.9);
    expect(agentActions(task, 'oracle')).toEqual([
      { tool: 'write', input: { path: 'solution.py', content: 'print("strong")\n' } },
      { tool: 'bash', input: { command: 'python3 solution.py' } },
    ]);
    // peek hunts for the answers first, then plays the weak solution.
    const peek = agentActions(task, 'peek');
    expect(peek[0]).toEqual({ tool: 'bash', input: { command: expect.stringContaining('/heldout') } });
    expect(peek.slice(-2)).toEqual(agentActions(task, 'weak'));
    expect(() => agentActions(task, 'baseline')).toThrow(
      expect.objectContaining({
        message: 'The bench task churn has no scripted agent baseline.',
        hint: 'Its scripted agents: oracle, weak, peek.',
      }),
    );
  });

  it('names what is wrong in a broken bench.yaml, and a file outside the task folder', () => {
    expect(() => readBenchTask(taskFolder(VALID.replace('better: higher', 'better: up')))).toThrow(
      /bench\.yaml is not valid: better: Invalid option: expected one of "higher"\|"lower"/,
    );
    const outside = VALID.replace('reference/strong.py', '../../etc/passwd');
    expect(() => readBenchTask(taskFolder(outside, { 'reference/weak.py': '' }))).toThrow(
      /agents\.oracle\.files\.solution\.py: a path inside the task folder/,
    );
    expect(() => readBenchTask(taskFolder(VALID, { 'reference/weak.py': '' }))).toThrow(
      /names reference\/strong\.py, which is not a file in its folder/,
    );
  });

  it('refuses a task name the suite does not have, with the nearest one', () => {
    const dir = taskFolder(VALID, { 'reference/strong.py': '', 'reference/weak.py': '' });
    expect(() => pickBenchTasks(['chrun'], join(dir, '..'))).toThrow(
      /no bench task named chrun \(did you mean churn\?\)/,
    );
    expect(pickBenchTasks([], join(dir, '..')).map((task) => task.task)).toEqual(['churn']);
  });
});
