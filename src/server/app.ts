/**
 * The HTTP API (service.md "API contract") over the workflow. The server authenticates (Bearer token → person;
 * no token → the public) and maps errors to the contract; every authorization decision is the workflow's.
 */

import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { sql } from 'kysely';
import { parseDocument } from 'yaml';
import { logRoutes } from '../log/routes.js';
import { mcpHttp } from '../mcp/http.js';
import type { Store } from '../store/db.js';
import { type Actor, type ErrorDetail, ServiceError } from '../workflow/types.js';
import { DOCS_CSS, renderDocs } from './docs.js';
import { errorBody, mapError, zodDetails } from './errors.js';
import { createMetrics } from './metrics.js';
import { buildOpenApi } from './openapi.js';
import { createReadCache } from './read-cache.js';
import { type AccessCheckPort, Answer, ROUTES, type RouteDef } from './routes.js';
import { API_HELMET_OPTIONS, isApiPath, securityHeaders } from './security-headers.js';
import type { ServerWorkflow } from './workflow-port.js';

export interface RateLimitSetting {
  /** Requests per window per client address. */
  max: number;
  /** Window in milliseconds. */
  timeWindow: number;
}

export interface ServerLimits {
  /** Body limit of most routes in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Body limit of routes that carry evidence (default 10 MiB). */
  evidenceBodyLimit?: number;
  /** POST /v1/preassess (default 60 a minute per address). */
  preassess?: RateLimitSetting;
  /** Anonymous writes: POST /v1/incidents without a token (default 10 a minute per address). */
  anonymousWrite?: RateLimitSetting;
}

export interface BuildServerOptions {
  workflow: ServerWorkflow;
  /** When given, /healthz checks the database too. */
  store?: Store;
  /**
   * false: silent; true or pino options: Fastify's pino logger; a pino logger instance: used as is. Default:
   * info level, silent under Vitest.
   */
  logger?: boolean | Record<string, unknown> | FastifyBaseLogger;
  /** The URL clients reach the server at (OpenAPI `servers`). */
  publicUrl?: string;
  limits?: ServerLimits;
  /** Trust X-Forwarded-* (behind a reverse proxy): rate limits then key on the client's address. */
  trustProxy?: boolean;
  /**
   * The transparency log (`/log/…`, `/v1/log/…`) over `store`: its origin (`--log-origin`) and whether this
   * process runs the integrator. `false` leaves the log routes out (only for tests of other routes).
   */
  log?: { origin?: string; integrate?: boolean } | false;
  /** An in-memory access checker (src/access) answering /v1/access/check; default: the workflow's database read. */
  access?: AccessCheckPort;
}

export const DEFAULT_LIMITS = {
  bodyLimit: 1024 * 1024,
  evidenceBodyLimit: 10 * 1024 * 1024,
  preassess: { max: 60, timeWindow: 60_000 },
  anonymousWrite: { max: 10, timeWindow: 60_000 },
} satisfies Required<ServerLimits>;

const JSON_TYPE = 'application/json; charset=utf-8';
const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml', 'text/x-yaml'];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An API route (ROUTES): its answers are counted in the metrics as they are sent, not by a hook. */
    countedAtSend?: boolean;
  }
  interface FastifyRequest {
    actor: Actor;
    /** The body as received, when it was JSON or YAML text. */
    rawText: string | undefined;
    bodyFormat: 'json' | 'yaml' | undefined;
  }
}

const PUBLIC: Actor = Object.freeze({ kind: 'public' });

function isLogger(x: unknown): x is FastifyBaseLogger {
  return typeof x === 'object' && x !== null && typeof (x as { info?: unknown }).info === 'function';
}

export function buildServer(options: BuildServerOptions): FastifyInstance {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const { workflow } = options;
  const quiet = process.env.VITEST !== undefined;
  const loggerOption = options.logger;
  const app = Fastify({
    ...(isLogger(loggerOption)
      ? { loggerInstance: loggerOption }
      : {
          logger:
            loggerOption === false
              ? false
              : {
                  level: quiet && loggerOption === undefined ? 'silent' : 'info',
                  redact: ['req.headers.authorization'],
                  ...(typeof loggerOption === 'object' ? loggerOption : {}),
                },
        }),
    bodyLimit: limits.bodyLimit,
    trustProxy: options.trustProxy ?? false,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }) as unknown as FastifyInstance;

  // Graceful close: Fastify closes the connections idle when close() begins, but a keep-alive connection whose
  // request was still in flight goes idle afterwards and would hold close() open for keepAliveTimeout (72 s).
  // Until the server has closed, such connections are closed as soon as they go idle.
  app.addHook('preClose', (done) => {
    const server = app.server;
    if (!server.listening) {
      done();
      return;
    }
    const sweep = setInterval(() => server.closeIdleConnections(), 20);
    sweep.unref();
    server.once('close', () => clearInterval(sweep));
    done();
  });

  app.decorateRequest('actor', null as never);
  app.decorateRequest('rawText', undefined);
  app.decorateRequest('bodyFormat', undefined);

  // ---- bodies: JSON (kept as text too) and YAML text; anything else is 400 ----
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawText = text;
    request.bodyFormat = 'json';
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    defaultJson(request, text, (err, value) => {
      if (err)
        done(Object.assign(new ServiceError('bad_request', 'body is not valid JSON'), { statusCode: 400 }));
      else done(null, value);
    });
  });
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (request, body, done) => {
    request.rawText = body as string;
    request.bodyFormat = 'yaml';
    done(null, body);
  });

  // ---- errors ----
  app.setErrorHandler((error, request, reply) => {
    const mapped = mapError(error);
    if (mapped.fault) {
      request.log.error({ err: error }, 'request failed');
      mapped.body.error.message = `internal error (request ${request.id})`;
    }
    reply.status(mapped.status).type('application/json; charset=utf-8');
    if (countedAtSend(request)) observe(request, reply);
    return reply.send(mapped.body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404);
    observe(request, reply);
    return reply.send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });

  // ---- request id and security headers (one callback-style hook: cheaper than async ones) ----
  const documentHeaders = securityHeaders();
  const apiHeaders = securityHeaders(API_HELMET_OPTIONS);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(isApiPath(request.url) ? apiHeaders : documentHeaders);
    reply.header('x-request-id', request.id);
    done();
  });

  // ---- metrics ----
  // The API routes (ROUTES) count their answers as they send them (in `handle` and the error handler): a
  // Fastify onResponse hook on every request cost 5% of a small answer's throughput. Everything else (log,
  // MCP, dashboard, health, metrics, docs) is counted by an onResponse hook added to its own scope.
  const metrics = createMetrics();
  const observe = (request: FastifyRequest, reply: FastifyReply) => {
    // The dashboard's catch-all answers unknown paths with a 404: count those as unmatched, not as one route.
    const url = request.routeOptions.url;
    const route = url === undefined || (url === '/*' && reply.statusCode === 404) ? 'unmatched' : url;
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  };
  const countedAtSend = (request: FastifyRequest) => request.routeOptions.config?.countedAtSend === true;
  const countResponses = (scope: FastifyInstance) =>
    scope.addHook('onResponse', (request, reply, done) => {
      observe(request, reply);
      done();
    });

  app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new ServiceError('rate_limited', `too many requests; retry in ${context.after}`), {
        statusCode: 429,
      }),
  });

  const readCache = createReadCache();
  // Serialized frozen answers (RouteDef.frozenAnswers): a frozen object's JSON cannot change.
  const frozenBytes = new WeakMap<object, Buffer>();

  let openapi: unknown;
  const document = () => {
    openapi ??= buildOpenApi(ROUTES, { publicUrl: options.publicUrl, limits });
    return openapi;
  };

  if (options.store && options.log !== false) {
    const store = options.store;
    const log = options.log;
    app.register(async (scope) => {
      countResponses(scope);
      await scope.register(logRoutes, {
        store,
        ...(options.publicUrl !== undefined ? { publicUrl: options.publicUrl } : {}),
        ...(log?.origin !== undefined ? { origin: log.origin } : {}),
        ...(log?.integrate !== undefined ? { integrate: log.integrate } : {}),
      });
    });
  }

  app.register(async (scope) => {
    countResponses(scope);
    await scope.register(mcpHttp, { publicUrl: options.publicUrl });
  });

  app.register(async (api) => {
    for (const route of ROUTES) registerRoute(api, route);
  });

  app.register(async (api) => {
    countResponses(api);
    api.get('/healthz', async (_request, reply) => {
      if (options.store) {
        try {
          await sql`select 1`.execute(options.store.db);
        } catch (e) {
          api.log.error({ err: e }, 'health check: database unreachable');
          return reply.status(503).send({ status: 'unavailable' });
        }
      }
      return { status: 'ok' };
    });
    api.get('/metrics', async (_request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    api.get('/openapi.json', async () => document());
    api.get('/docs', async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(renderDocs(document())),
    );
    api.get('/docs/docs.css', async (_request, reply) =>
      reply.type('text/css; charset=utf-8').send(DOCS_CSS),
    );
  });

  app.register(async (scope) => {
    countResponses(scope);
    await scope.register(import('./web.js')); // the web dashboard at / (web/dist; SPA fallback outside API paths)
  });

  function registerRoute(api: FastifyInstance, route: RouteDef): void {
    const rate =
      route.rateLimit === 'preassess'
        ? limits.preassess
        : route.rateLimit === 'anonymousWrite'
          ? limits.anonymousWrite
          : undefined;
    api.route({
      method: route.method,
      url: route.path.replace(/\{(\w+)\}/g, ':$1'),
      bodyLimit: route.evidence ? limits.evidenceBodyLimit : limits.bodyLimit,
      config: rate
        ? {
            countedAtSend: true,
            rateLimit: {
              max: rate.max,
              timeWindow: rate.timeWindow,
              // Only anonymous writes are limited on the incident route; a token holder is accountable.
              ...(route.rateLimit === 'anonymousWrite'
                ? { allowList: (request: FastifyRequest) => request.headers.authorization !== undefined }
                : {}),
            },
          }
        : { countedAtSend: true },
      // Routes with a body authenticate before it is read (a bad token costs no upload); GET routes in the
      // handler, without a hook.
      ...(route.method === 'GET'
        ? {}
        : {
            onRequest: (request: FastifyRequest, _reply: FastifyReply, done: (e?: Error) => void) => {
              if (request.headers.authorization === undefined) {
                request.actor = PUBLIC;
                done();
                return;
              }
              authenticate(request).then((actor) => {
                request.actor = actor;
                done();
              }, done);
            },
          }),
      handler: async (request, reply) => handle(route, request, reply),
    });
  }

  async function authenticate(request: FastifyRequest): Promise<Actor> {
    const header = request.headers.authorization;
    if (header === undefined) return { kind: 'public' };
    const match = /^Bearer +([\x21-\x7e]{1,1024}) *$/i.exec(header);
    if (!match) throw new ServiceError('unauthorized', 'expected "Authorization: Bearer <token>"');
    let person: Awaited<ReturnType<ServerWorkflow['authenticate']>> | null | undefined;
    try {
      person = await workflow.authenticate(match[1]!);
    } catch (e) {
      if (
        e instanceof ServiceError &&
        (e.code === 'unauthorized' || e.code === 'not_found' || e.code === 'forbidden')
      )
        throw new ServiceError('unauthorized', 'invalid, expired or revoked token');
      throw e;
    }
    if (!person || person.active === false)
      throw new ServiceError('unauthorized', 'invalid, expired or revoked token');
    return { kind: 'person', person };
  }

  async function handle(route: RouteDef, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    if (route.method === 'GET')
      request.actor = request.headers.authorization === undefined ? PUBLIC : await authenticate(request);
    let params: unknown;
    if (route.params) {
      const parsed = route.params.safeParse(request.params);
      if (!parsed.success) throw new ServiceError('not_found', 'not found');
      params = parsed.data;
    }
    const details: ErrorDetail[] = [];
    let query: unknown;
    if (route.query) {
      const parsed = route.query.safeParse(request.query ?? {});
      if (parsed.success) query = parsed.data;
      else details.push(...zodDetails(parsed.error));
    }
    let body: unknown;
    if (route.frameworkDocument) {
      body = frameworkDocument(request);
    } else if (route.body) {
      if (request.bodyFormat === 'yaml')
        throw new ServiceError('bad_request', 'this route takes JSON, not YAML');
      const parsed = route.body.safeParse(request.body);
      // The evidence itself is checked by the workflow (the core's validator, paths under `evidence`).
      if (parsed.success) body = parsed.data;
      else details.push(...zodDetails(parsed.error));
    }
    if (details.length > 0)
      throw new ServiceError('invalid', `invalid request: ${details.length} problem(s)`, details);
    // The public's answers to cacheable reads are kept serialized while their read stamp is unchanged.
    const stamp =
      route.cache && request.actor.kind === 'public' && workflow.readStamp
        ? await workflow.readStamp(
            route.cache === 'submission' ? { submission: (params as { id: string }).id } : 'registry',
          )
        : undefined;
    if (stamp !== undefined) {
      const body = readCache.get(request.url, stamp);
      if (body !== undefined) return send(request, reply.status(route.status).type(JSON_TYPE), body);
    }
    const result = await route.handler({
      workflow,
      actor: request.actor,
      params,
      query,
      body,
      request,
      access: options.access,
    });
    if (result instanceof Answer) return send(request, reply.status(result.status), result.body);
    if (route.frozenAnswers && typeof result === 'object' && result !== null && Object.isFrozen(result)) {
      let body = frozenBytes.get(result);
      if (body === undefined) {
        body = Buffer.from(JSON.stringify(result), 'utf8');
        frozenBytes.set(result, body);
      }
      return send(request, reply.status(route.status).type(JSON_TYPE), body);
    }
    if (stamp !== undefined) {
      const body = readCache.set(request.url, stamp, JSON.stringify(result ?? {}));
      return send(request, reply.status(route.status).type(JSON_TYPE), body);
    }
    return send(request, reply.status(route.status), result ?? {});
  }

  function send(request: FastifyRequest, reply: FastifyReply, payload: unknown): FastifyReply {
    observe(request, reply);
    return reply.send(payload);
  }

  return app;
}

/** A framework document as text with its format; malformed JSON or YAML is 400. */
function frameworkDocument(request: FastifyRequest): { text: string; format: 'yaml' | 'json' } {
  const text = request.rawText;
  if (request.bodyFormat === undefined || text === undefined || text.trim() === '') {
    throw new ServiceError('bad_request', 'expected a framework as application/yaml or application/json');
  }
  if (request.bodyFormat === 'yaml') {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ServiceError(
        'bad_request',
        'body is not valid YAML',
        doc.errors.slice(0, 20).map((e) => ({
          path: '',
          message: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ${e.code}` : e.code,
        })),
      );
    }
  }
  return { text, format: request.bodyFormat };
}
