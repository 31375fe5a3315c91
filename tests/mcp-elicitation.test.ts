// An MCP server asking the person during a tool call (elicitation, form mode), through the SDK's own
// client and server over streamable HTTP: the question reaches the run's gate with the server's message
// and fields, is recorded like an approval, and the answer (accept with content, decline, cancel) is what
// the server receives. Headless policies decline; none makes up an answer.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/main/app';
import { terminalGate } from '../src/main/cli/terminal-gate';
import type { ApprovalGate } from '../src/main/core/ports';
import type { McpServer } from '../src/shared/loop-config';
import { pendingApprovals } from '../src/shared/pending-approvals';
import { createElicitServer } from './fakes/mcp-elicit-server';
import { serveMcpHttp, type McpHttpFake } from './fakes/mcp-http-fake';
import { lastToolOutput, runWithServers } from './helpers/mcp-run';
import { makeTempHome, type TempHome } from './helpers/temp-home';

let home: TempHome;
let app: App;
let fake: McpHttpFake;
let server: McpServer;

beforeEach(async () => {
  home = makeTempHome('looplab-mcp-elicit-');
  app = createApp({ home: home.paths.root, ui: 'web' });
  fake = await serveMcpHttp({ make: createElicitServer });
  server = { name: 'booking', transport: 'http', url: fake.url };
});

afterEach(async () => {
  await app.shutdown();
  await fake.close();
  home.remove();
});

/** Calls `book` once and returns what the server was told, the questions asked and the run's events. */
async function book(gate: ApprovalGate) {
  const seen: string[] = [];
  const turns = [
    { calls: [{ name: 'mcp__booking__book', args: {} }] },
    (request: Parameters<typeof lastToolOutput>[0]) => {
      seen.push(lastToolOutput(request));
      return { text: 'Done.' };
    },
  ];
  const run = await runWithServers(app, [server], turns, {
    rules: [{ tool: 'mcp__booking__*', action: 'allow' }],
    gate,
  });
  expect(run.outcome.status).toBe('finished');
  return { told: JSON.parse(seen[0] ?? 'null') as unknown, ...run };
}

const answering = (answer: unknown): ApprovalGate => ({
  decide: async () => ({ decision: 'approved', editedInput: answer }),
});

describe('MCP elicitation', () => {
  it('asks the person with the server message and fields, and sends the answer back typed', async () => {
    const { told, asked, events } = await book(
      answering({ name: 'Ada Lovelace', seats: '2', window: 'true', meal: 'vegetarian' }),
    );
    expect(told).toEqual({
      action: 'accept',
      content: { name: 'Ada Lovelace', seats: 2, window: true, meal: 'vegetarian' },
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ kind: 'elicitation', tool: 'mcp__booking' });
    const requested = events.find((event) => event.type === 'approval.requested');
    expect(requested?.payload).toMatchObject({
      kind: 'elicitation',
      form: {
        server: 'booking',
        message: 'Who is travelling?',
        fields: [
          { name: 'name', type: 'string', title: 'Name', description: 'As on the passport', required: true },
          { name: 'seats', type: 'integer', required: true },
          { name: 'window', type: 'boolean', required: false, default: false },
          { name: 'meal', type: 'string', required: false, options: ['standard', 'vegetarian'] },
        ],
      },
    });
    expect(requested?.type === 'approval.requested' && requested.payload.summary).toContain(
      'The MCP server booking asks: Who is travelling?\n- name (string, required): As on the passport',
    );
    const resolved = events.find((event) => event.type === 'approval.resolved');
    expect(resolved?.payload).toMatchObject({ decision: 'approved', feedback: 'Answered name, seats, window, meal.' });
    // The answer goes to the server; the question's events say that it was answered, not what.
    const question = events.filter((event) => event.type.startsWith('approval.'));
    expect(JSON.stringify(question)).not.toContain('Ada Lovelace');
    expect(pendingApprovals(events)).toEqual([]);
  });

  it('tells the server the person declined', async () => {
    const { told, events } = await book({ decide: async () => ({ decision: 'rejected', by: 'person' }) });
    expect(told).toEqual({ action: 'decline' });
    expect(events.find((event) => event.type === 'approval.resolved')?.payload).toMatchObject({
      decision: 'rejected',
      feedback: 'Declined.',
    });
  });

  it('cancels where an answer lacks a required field or the gate gives none', async () => {
    expect((await book(answering({ name: 'Ada' }))).told).toEqual({ action: 'cancel' });
    expect((await book({ decide: async () => ({ decision: 'approved' }) })).told).toEqual({ action: 'cancel' });
    expect((await book(answering({ name: 'Ada', seats: '2.5' }))).told).toEqual({ action: 'cancel' });
  });

  it('declines under the headless policies --approve deny and --approve auto', async () => {
    const io = { input: new PassThrough(), output: new PassThrough() };
    for (const mode of ['deny', 'auto'] as const) {
      const { told, events } = await book(terminalGate(mode, io));
      expect(told).toEqual({ action: 'decline' });
      expect(events.find((event) => event.type === 'approval.resolved')?.payload).toMatchObject({
        feedback: `Declined by the headless policy (--approve ${mode}).`,
      });
    }
  });

  it('asks on a terminal field by field, a choice by its number', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    const output = new PassThrough();
    let shown = '';
    // The person answers each prompt (a line ending in ": ") in turn.
    const answers = ['Grace', '3', '', '2'];
    output.on('data', (chunk: Buffer) => {
      shown += chunk.toString('utf8');
      if (shown.endsWith(': ') && answers.length > 0) input.write(`${answers.shift()}\n`);
    });
    const { told } = await book(terminalGate('ask', { input, output }));
    expect(told).toEqual({ action: 'accept', content: { name: 'Grace', seats: 3, window: false, meal: 'vegetarian' } });
    expect(shown).toContain('The MCP server booking asks: Who is travelling?');
    expect(shown).toContain('meal (1) standard 2) vegetarian)');
  });
});
