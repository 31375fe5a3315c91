// The MCP conformance suite (@modelcontextprotocol/conformance, a devDependency, so nothing is downloaded
// here) drives Looplab's MCP client through scripts/mcp-conformance-client.ts in every client scenario.
// A scenario that fails must be in tests/mcp-conformance-baseline.json with its reason; one listed there
// that passes fails the test too, so the baseline stays true.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { z } from 'zod';

const root = process.cwd();
/** The suite's command; LOOPLAB_MCP_CONFORMANCE names another install of the same version. */
const suite = process.env.LOOPLAB_MCP_CONFORMANCE ?? join(root, 'node_modules/.bin/conformance');
const baseline = z
  .object({ client: z.record(z.string(), z.string().min(1)) })
  .parse(JSON.parse(readFileSync(join(root, 'tests/mcp-conformance-baseline.json'), 'utf8')));

it(
  'passes every client scenario of the MCP conformance suite but those the baseline lists',
  { timeout: 180_000 },
  () => {
    expect(existsSync(suite), `${suite} is missing: run npm ci`).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'looplab-mcp-conformance-'));
    try {
      const client = `${join(root, 'node_modules/.bin/tsx')} ${join(root, 'scripts/mcp-conformance-client.ts')}`;
      const run = (scope: string[]) => {
        const args = ['client', '--command', client, ...scope, '-o', join(dir, 'results')];
        const result = spawnSync(suite, args, { cwd: dir, encoding: 'utf8', timeout: 170_000 });
        const output = `${result.stdout}${result.stderr}`;
        return {
          output,
          outcomes: [...output.matchAll(/^([✓✗]) (\S+): (\d+) passed, (\d+) failed(, \d+ warnings)?/gmu)],
        };
      };
      const { output, outcomes } = run(['--suite', 'all']);
      expect(outcomes.length, output).toBeGreaterThanOrEqual(25);
      // A scenario with no failed check, only a warning about timing (sse-retry's reconnect delay), is run
      // again on its own: 26 scenarios in parallel on a busy machine stretch its timings.
      const verdicts = new Map(outcomes.map((line) => [line[2]!, line[1] === '✓']));
      for (const line of outcomes) {
        const [, mark, name, , failedChecks, warned] = line;
        if (mark !== '✗' || failedChecks !== '0' || warned === undefined || name! in baseline.client) continue;
        // Alone, the suite ends with its checks counted and an overall verdict.
        const again = run(['--scenario', name!]).output;
        verdicts.set(name!, /OVERALL: PASSED/.test(again) && /, 0 failed, 0 warnings/.test(again));
      }
      const failed = [...verdicts].filter(([, ok]) => !ok).map(([name]) => name);
      const passed = [...verdicts].filter(([, ok]) => ok).map(([name]) => name);
      expect(passed).toEqual(
        expect.arrayContaining(['initialize', 'tools_call', 'elicitation-sep1034-client-defaults']),
      );
      // Failing and not in the baseline: a regression. In the baseline and passing: remove it from there.
      expect(
        failed.filter((name) => !(name in baseline.client)),
        output,
      ).toEqual([]);
      expect(
        passed.filter((name) => name in baseline.client),
        output,
      ).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
