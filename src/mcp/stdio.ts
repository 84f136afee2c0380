/** `wh mcp` over stdio: stdout carries the protocol only; anything for a person goes to stderr. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ApiClient } from '../cli/api-client.ts';
import { sessionSchema } from '../contracts/session.ts';
import { createBoardServer } from './board-server.ts';

/**
 * Write tools need a token that may operate, and one given on purpose: the local admin token, which `wh`
 * falls back to on the server machine, never hands an MCP client more than reading.
 */
export async function serveBoardOverStdio(client: ApiClient): Promise<void> {
  const session = await client.get('/api/session', sessionSchema);
  const write = client.connection.tokenFrom === 'given' && session.permissions.includes('operate');
  const server = createBoardServer(client, { write });
  await server.connect(new StdioServerTransport());
  process.stderr.write(
    `wh mcp: serving ${client.connection.url} to this MCP client (${write ? 'read and write' : 'read-only'}, token "${session.name}")\n`,
  );
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.stdin.once('end', stop);
  process.once('SIGTERM', stop);
}
