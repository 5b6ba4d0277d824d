/** The OpenAPI 3.1 document, generated from the route registry and its Zod schemas. */
import { z } from 'zod';
import type { RouteDef } from './routes.js';
import { ErrorAnswer } from './schemas.js';

export interface OpenApiOptions {
  publicUrl?: string;
  limits: { bodyLimit: number; evidenceBodyLimit: number };
}

type JsonSchema = Record<string, unknown>;

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Malformed request (bad JSON or YAML, wrong content type)',
  401: 'Missing, forged, expired or revoked token',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  413: 'Body too large',
  422: 'Invalid: every problem in details',
  429: 'Rate limited',
  500: 'Internal error',
};

/** JSON Schema (2020-12, what OpenAPI 3.1 uses) of a Zod schema, as a request (input) or an answer (output). */
function schemaOf(
  schema: z.ZodType,
  io: 'input' | 'output',
  components: Record<string, JsonSchema>,
): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    reused: 'inline',
  }) as JsonSchema;
  delete json.$schema;
  // Hoist named definitions (`.meta({id})`) into components and point at them.
  const defs = (json.$defs ?? json.definitions) as Record<string, JsonSchema> | undefined;
  delete json.$defs;
  delete json.definitions;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string')
          out[k] = v.replace(/^#\/(\$defs|definitions)\//, '#/components/schemas/');
        else out[k] = rewrite(v);
      }
      return out;
    }
    return node;
  };
  if (defs) for (const [name, def] of Object.entries(defs)) components[name] ??= rewrite(def) as JsonSchema;
  return rewrite(json) as JsonSchema;
}

/** Query or path parameters from a Zod object schema. */
function parameters(
  schema: z.ZodType | undefined,
  where: 'query' | 'path',
  components: Record<string, JsonSchema>,
): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input', components);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' ? true : required.has(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

export function buildOpenApi(routes: readonly RouteDef[], options: OpenApiOptions): Record<string, unknown> {
  const components: Record<string, JsonSchema> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  schemaOf(ErrorAnswer, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {
      [route.status]: {
        description: STATUS_TEXT[route.status] ?? 'OK',
        content: { 'application/json': { schema: schemaOf(route.answer, 'output', components) } },
      },
    };
    const errors = new Set<number>([401, 500, ...(route.errors ?? [])]);
    if (route.body || route.frameworkDocument) for (const s of [400, 413, 422]) errors.add(s);
    if (route.query) errors.add(422);
    if (route.params) errors.add(404);
    if (route.rateLimit) errors.add(429);
    for (const status of [...errors].sort()) {
      responses[status] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: errorRef } },
      };
    }
    const operation: Record<string, unknown> = {
      operationId: operationId(route),
      summary: route.summary,
      description: `Who: ${route.who}.`,
      tags: [route.tag],
      parameters: [
        ...parameters(route.params, 'path', components),
        ...parameters(route.query, 'query', components),
        ...(route.headers ?? []).map((h) => ({
          name: h.name,
          in: 'header',
          required: false,
          description: h.description,
          schema: { type: 'string' },
        })),
      ],
      responses,
    };
    if (route.frameworkDocument) {
      operation.requestBody = {
        required: true,
        description: `A framework document (framework.md), at most ${options.limits.bodyLimit} bytes`,
        content: {
          'application/yaml': { schema: { type: 'string' } },
          'text/yaml': { schema: { type: 'string' } },
          'application/json': { schema: { type: 'object' } },
        },
      };
    } else if (route.body) {
      const optional = route.body.safeParse(undefined).success;
      const limit = route.evidence ? options.limits.evidenceBodyLimit : options.limits.bodyLimit;
      operation.requestBody = {
        required: !optional,
        description: `At most ${limit} bytes`,
        content: { 'application/json': { schema: schemaOf(route.body, 'input', components) } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operation;
  }
  paths['/healthz'] = {
    get: {
      operationId: 'healthz',
      summary: 'Liveness (and database reachability)',
      tags: ['operations'],
      responses: { 200: { description: 'OK' }, 503: { description: 'Database unreachable' } },
    },
  };
  paths['/metrics'] = {
    get: {
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      tags: ['operations'],
      responses: { 200: { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Greenlight API',
      version: '0.1.0',
      description:
        'Release review of frontier AI models. Errors: {"error": {code, message, details: [{path, message}]}}. ' +
        'Times are RFC 3339 UTC with milliseconds. Lists take ?limit=&cursor= and answer {items, next_cursor}.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
    security: [{}, { bearer: [] }],
    tags: ['frameworks', 'admin', 'reviews', 'models', 'incidents', 'access', 'operations'].map((name) => ({
      name,
    })),
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token' } },
    },
  };
}

function operationId(route: RouteDef): string {
  const words = route.path
    .replace(/^\/v1\//, '')
    .split('/')
    .map((p) => (p.startsWith('{') ? `by_${p.slice(1, -1)}` : p));
  return [route.method.toLowerCase(), ...words].join('_').replace(/[^A-Za-z0-9_]/g, '_');
}
