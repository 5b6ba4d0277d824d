/**
 * `greenlight mcp`: the MCP server on stdio (stdout carries only the protocol; messages go to stderr). With
 * `--url` (or GREENLIGHT_URL) it talks to a Greenlight server, with `--token` (or GREENLIGHT_TOKEN) its write
 * tools work; with `--framework FILE` and no URL it runs offline, pre-assessing against that framework.
 */
import type { Command } from 'commander';
import { DEFAULT_URL, httpApi } from '../../mcp/api.js';
import { readText } from '../lib/files.js';
import { defaultStatePath } from './verify.js';

interface McpFlags {
  url?: string;
  token?: string;
  framework?: string;
  offline?: boolean;
  state?: string;
}

export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('the MCP server on stdio (for MCP clients: Claude Desktop, IDEs, agents)')
    .option('--url <url>', `the Greenlight server (default: GREENLIGHT_URL, else ${DEFAULT_URL})`)
    .option('--token <token>', 'API token for the write tools (default: GREENLIGHT_TOKEN)')
    .option(
      '--framework <file>',
      'a local framework file for preassess; without --url or GREENLIGHT_URL, runs offline with it',
    )
    .option('--state <file>', 'verify_log state file (default ~/.greenlight/verify-state.json)')
    .action(async (flags: McpFlags) => {
      const framework =
        flags.framework !== undefined
          ? { text: readText(flags.framework), file: flags.framework }
          : undefined;
      const url = flags.url ?? process.env.GREENLIGHT_URL ?? (framework ? undefined : DEFAULT_URL);
      const token = flags.token ?? process.env.GREENLIGHT_TOKEN;
      const api = url !== undefined ? httpApi({ url, token }) : undefined;
      const state = flags.state ?? defaultStatePath();
      // Loaded on use: other commands need not pay for the MCP SDK.
      const { serveStdio } = await import('@modelcontextprotocol/server/stdio');
      const { createMcpServer } = await import('../../mcp/server.js');
      await new Promise<void>((resolve) => {
        const handle = serveStdio(
          () => createMcpServer({ api, framework, verifyAnyUrl: true, verifyStatePath: state }),
          { onerror: (e) => process.stderr.write(`greenlight mcp: ${e.message}\n`) },
        );
        const stop = () => {
          handle.close().finally(resolve);
        };
        process.stdin.on('end', stop);
        process.stdin.on('close', stop);
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
    });
}
