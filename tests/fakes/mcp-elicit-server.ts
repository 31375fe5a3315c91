// An MCP server whose tool `book` asks the person for a name, a number of seats, a window seat and a meal
// (`elicitation/create` during the call) and answers with what it was told: the action and the content.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export function createElicitServer(): McpServer {
  const server = new McpServer({ name: 'booking', version: '1.0.0' });
  server.registerTool('book', { description: 'Books seats, asking who for.' }, async () => {
    const answer = await server.server.elicitInput({
      message: 'Who is travelling?',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string', title: 'Name', description: 'As on the passport' },
          seats: { type: 'integer', minimum: 1, maximum: 9 },
          window: { type: 'boolean', default: false },
          meal: { type: 'string', enum: ['standard', 'vegetarian'] },
        },
        required: ['name', 'seats'],
      },
    });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  return server;
}
