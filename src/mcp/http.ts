/**
 * `/mcp` on the server: the MCP server over Streamable HTTP, served statelessly as the SDK recommends
 * (`createMcpHandler`: a fresh server instance per request, the 2026-07-28 revision and the stateless 2025
 * fallback). Host and Origin are checked against the server's own host and loopback names (DNS-rebinding
 * protection). Tools call the API in-process (Fastify inject) with the request's Authorization header, so the
 * API's authentication, authorization and rate limits apply to them unchanged.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { GreenlightApi } from './api.js';

export interface McpHttpOptions {
  /** The URL clients reach the server at: its hostname is allowed besides loopback names. */
  publicUrl?: string | undefined;
  /** More allowed hostnames (no port). */
  allowedHosts?: string[];
  /** Body limit of /mcp (uploaded logs are base64). Default 16 MiB. */
  bodyLimit?: number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'expect',
  'host',
]);

/** The API over Fastify's in-process inject, as the caller of /mcp. */
function injectApi(app: FastifyInstance, request: FastifyRequest, baseUrl: string): GreenlightApi {
  const authorization = request.headers.authorization;
  return {
    baseUrl,
    hasToken: authorization !== undefined,
    async send(req) {
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      if (authorization !== undefined) headers.authorization = authorization;
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      const res = await app.inject({
        method: req.method,
        url: req.path,
        headers,
        remoteAddress: request.ip,
        ...(req.body !== undefined ? { payload: JSON.stringify(req.body) } : {}),
      });
      let body: unknown = res.body;
      try {
        body = res.body === '' ? undefined : JSON.parse(res.body);
      } catch {
        // not JSON
      }
      return { status: res.statusCode, body };
    },
  };
}

export const mcpHttp: FastifyPluginAsync<McpHttpOptions> = async (app, options) => {
  // Loaded here, not at the top: every CLI command imports the server module, few need the MCP SDK.
  const { createMcpHandler, localhostAllowedHostnames, validateHostHeader, validateOriginHeader } =
    await import('@modelcontextprotocol/server');
  const { createMcpServer } = await import('./server.js');
  const allowed = [...localhostAllowedHostnames(), ...(options.allowedHosts ?? [])];
  if (options.publicUrl) {
    try {
      const h = new URL(options.publicUrl).hostname;
      if (h && !allowed.includes(h)) allowed.push(h);
    } catch {
      // an unparsable public URL allows nothing more
    }
  }

  // One server instance per request; the caller's API client rides in the (pass-through) authInfo.
  const handler = createMcpHandler(
    (ctx) => {
      const api = ctx.authInfo?.extra?.api as GreenlightApi | undefined;
      return createMcpServer({ api, verifyAnyUrl: false, acceptEvalArchives: false });
    },
    { onerror: (e) => app.log.debug({ err: e }, 'mcp request rejected') },
  );
  app.addHook('onClose', async () => {
    await handler.close();
  });

  const reject = (status: number, message: string) => ({
    status,
    body: { jsonrpc: '2.0', error: { code: -32000, message }, id: null },
  });

  app.route({
    method: ['GET', 'POST', 'DELETE'],
    url: '/mcp',
    bodyLimit: options.bodyLimit ?? 16 * 1024 * 1024,
    config: {
      rateLimit: {
        max: 600,
        timeWindow: 60_000,
        allowList: (request: FastifyRequest) => request.headers.authorization !== undefined,
      },
    },
    handler: async (request, reply) => {
      const host = validateHostHeader(request.headers.host, allowed);
      if (!host.ok) {
        const r = reject(403, `forbidden: ${host.message}`);
        return reply.status(r.status).send(r.body);
      }
      const origin = validateOriginHeader(request.headers.origin, allowed);
      if (!origin.ok) {
        const r = reject(403, `forbidden: ${origin.message}`);
        return reply.status(r.status).send(r.body);
      }
      const baseUrl =
        options.publicUrl?.replace(/\/+$/, '') ?? `${request.protocol}://${request.headers.host}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(request.headers)) {
        if (v === undefined || HOP_BY_HOP.has(k)) continue;
        headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      const hasBody = request.method === 'POST' && request.rawText !== undefined;
      const webRequest = new Request(`${baseUrl}${request.url}`, {
        method: request.method,
        headers,
        ...(hasBody ? { body: request.rawText } : {}),
      });
      const authInfo = {
        token: '',
        clientId: request.ip,
        scopes: [],
        extra: { api: injectApi(app, request, baseUrl) },
      };
      const response = await handler.fetch(webRequest, {
        authInfo,
        ...(hasBody ? { parsedBody: request.body } : {}),
      });
      reply.status(response.status);
      response.headers.forEach((value, key) => {
        if (key !== 'content-length' && key !== 'transfer-encoding') reply.header(key, value);
      });
      if (response.body === null) return reply.send();
      if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
        return reply.send(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream));
      }
      return reply.send(Buffer.from(await response.arrayBuffer()));
    },
  });
};
