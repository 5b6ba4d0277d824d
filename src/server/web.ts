/**
 * The web dashboard (interfaces.md "Web dashboard"): serves the built app (web/dist, `npm run build`) at `/`.
 * Files under web/dist are served as they are (hashed assets cached for a year). The app routes with the URL
 * hash (`/#/models/org/name`), so no fallback is needed: any other path is the API's JSON 404 (service.md:
 * unknown routes are not_found), and API prefixes are never shadowed. Without web/dist, `/` says how to build it. Security headers, including the CSP (same-origin scripts and styles), come from app.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

export interface WebOptions {
  /** The built app; default `web/dist` of this package. */
  root?: string;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const API_PREFIXES = ['/v1', '/log', '/docs', '/openapi.json', '/metrics', '/healthz', '/mcp'];

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`));
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Greenlight — dashboard not built</title></head>
<body><h1>The Greenlight dashboard is not built</h1>
<p>Run <code>npm run build</code> (it builds the server and the dashboard into <code>web/dist</code>), then restart
the server. The API works without it: see <a href="/docs">/docs</a>.</p></body></html>
`;

export const web: FastifyPluginAsync<WebOptions> = async (app: FastifyInstance, options) => {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  const built = existsSync(join(root, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, { root, serve: false });
  }

  const serveIndex = (reply: FastifyReply) => {
    if (!built) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0] ?? '/');
    } catch {
      return reply.status(400).send(errorBody('bad_request', 'malformed URL'));
    }
    if (isApiPath(path)) {
      return reply.status(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
    }
    if (built && path !== '/') {
      const rel = normalize(path).replace(/^[/\\]+/, '');
      const file = join(root, rel);
      if (!rel.startsWith('..') && file.startsWith(root.endsWith(sep) ? root : root + sep) && isFile(file)) {
        const immutable = rel.startsWith(`assets${sep}`) || rel.startsWith('assets/');
        return reply
          .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
          .sendFile(rel);
      }
    }
    if (path === '/' || path === '/index.html') return serveIndex(reply);
    return reply.status(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
  };
  app.get('/', handler);
  app.get('/*', handler);
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export default web;
