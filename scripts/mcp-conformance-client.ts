// The client side of the MCP conformance suite (`conformance client --command …`): Looplab's own MCP
// client (connectMcpServers, the path a run takes) reaches the suite's server at the URL given as the
// last argument, calls each of its tools with arguments made from their schemas, and closes. What a
// server asks is answered by a person who sends the form as the card shows it (each field's default). A
// sign-in is kept in memory, and its authorization page, which the suite answers without a person, is
// followed here as a browser would: its redirect brings the code to Looplab's loopback listener.
// Run with tsx: `tsx scripts/mcp-conformance-client.ts <server-url>`.
import type { ApprovalGate } from '../src/main/core/ports';
import { connectMcpServers } from '../src/main/mcp/mcp-tools';
import type { ElicitationForm } from '../src/shared/events';

const url = process.argv.at(-1);
if (url === undefined || !/^https?:\/\//.test(url)) {
  process.stderr.write('usage: mcp-conformance-client <server-url>\n');
  process.exit(2);
}

/** A person who sends the form as shown: the defaults filled in, nothing else. */
const sendsDefaults: ApprovalGate = {
  decide: async (request) => {
    const form = request.input as ElicitationForm;
    const shown = Object.fromEntries(
      form.fields.flatMap((field) => (field.default === undefined ? [] : [[field.name, field.default]])),
    );
    return { decision: 'approved', editedInput: shown };
  },
};

/** Arguments a schema accepts: each required property with a value of its type. */
function sampleArguments(parameters: unknown): Record<string, unknown> {
  const schema = parameters as { properties?: Record<string, { type?: string }>; required?: string[] };
  const values: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const type = schema.properties?.[name]?.type;
    values[name] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : 'conformance';
  }
  return values;
}

/** The secret store, in memory. */
const kept = new Map<string, string>();
const secrets = {
  get: (name: string) => kept.get(name),
  set: (name: string, value: string) => void kept.set(name, value),
  clear: (name: string) => void kept.delete(name),
};

/** A browser that follows the authorization page's redirects, the last one to the loopback. */
async function browse(page: URL): Promise<void> {
  let at = page;
  for (let hop = 0; hop < 5; hop++) {
    const response = await fetch(at, { redirect: 'manual' });
    const next = response.headers.get('location');
    await response.body?.cancel();
    if (next === null) return;
    at = new URL(next, at);
  }
}

const mcp = await connectMcpServers([{ name: 'conformance', transport: 'http', url }], {
  elicitation: { runId: 'conformance', gate: sendsDefaults, recorder: { record: () => [] } },
  oauth: { secrets, open: browse },
});
try {
  const signal = new AbortController().signal;
  for (const tool of mcp.tools) {
    const result = await tool.run(sampleArguments(tool.parameters), { signal } as Parameters<typeof tool.run>[1]);
    process.stdout.write(`${tool.name}: ${result.output}\n`);
  }
} finally {
  await mcp.close();
}
