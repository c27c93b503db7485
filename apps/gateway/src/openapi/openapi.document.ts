import { z } from 'zod';
import type { ApiErrorStatus, ApiRouteMetadata } from './api-route.decorator.js';
import { openApiComponents, type ComponentName } from './http.schemas.js';

/** A JSON Schema or OpenAPI object, as plain JSON. */
type JsonObject = Record<string, unknown>;

/** What the document says of the API itself. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const errorResponses: Record<ApiErrorStatus | 500, { name: string; component: ComponentName; description: string }> = {
  400: { name: 'BadRequest', component: 'ContractViolationError', description: 'The request broke a contract; `details.issues` names each field.' },
  404: { name: 'NotFound', component: 'ErrorBody', description: 'The object does not exist.' },
  409: {
    name: 'Conflict',
    component: 'ConflictError',
    description: 'The stream moved since the expected revision (`details.stream`, `expected`, `actual`), or the command conflicts with its state.',
  },
  503: { name: 'Unavailable', component: 'ErrorBody', description: 'The control plane did not answer (NATS or the state-server is down).' },
  500: { name: 'Internal', component: 'ErrorBody', description: 'A fault nobody anticipated.' },
};

/**
 * Builds the OpenAPI 3.1 document of `routes`. Component schemas are the contracts' zod schemas
 * converted by `z.toJSONSchema()` (JSON Schema 2020-12, the dialect of OpenAPI 3.1); parameters
 * are converted the same way. Nothing in it is written by hand twice.
 */
export function buildOpenApiDocument(routes: readonly ApiRouteMetadata[], info: OpenApiInfo): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const path = openApiPath(route.path);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        Object.values(errorResponses).map(({ name, component, description }) => [
          name,
          { description, content: { 'application/json': { schema: ref(component) } } },
        ]),
      ),
    },
  };
}

/** Nest's path syntax to OpenAPI's: `v1/nodes/:id` → `/v1/nodes/{id}`, `*id` → `{id}`. */
export function openApiPath(nestPath: string): string {
  return `/${nestPath.replace(/^\//, '')}`.replace(/[:*]([A-Za-z0-9_]+)/g, '{$1}');
}

function operation(route: ApiRouteMetadata): JsonObject {
  const parameters = [
    ...Object.entries(route.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: jsonSchema(schema) })),
    ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
      name,
      in: 'query',
      required: !(schema as z.ZodType).safeParse(undefined).success,
      schema: jsonSchema(schema as z.ZodType),
    })),
    ...Object.entries(route.headers ?? {}).map(([name, { schema, description }]) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: jsonSchema(schema),
    })),
  ];
  const status = route.response.status ?? 200;
  const responses: JsonObject = {
    [String(status)]: {
      description: route.response.description,
      content: { [route.response.mediaType ?? 'application/json']: { schema: ref(route.response.component) } },
    },
  };
  for (const error of [...(route.errors ?? []), 500 as const]) {
    responses[String(error)] = { $ref: `#/components/responses/${errorResponses[error].name}` };
  }
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: ref(route.body.component) },
              ...(route.body.yaml ? { 'application/yaml': { schema: ref(route.body.component) } } : {}),
            },
          },
        }
      : {}),
    responses,
  };
}

function ref(component: ComponentName): JsonObject {
  return { $ref: `#/components/schemas/${component}` };
}

function componentSchemas(): Record<string, JsonObject> {
  const schemas: Record<string, JsonObject> = {};
  for (const io of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const [id, component] of Object.entries(openApiComponents)) {
      if (component.io === io) registry.add(component.schema, { id });
    }
    const converted = z.toJSONSchema(registry, { io, unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
    for (const [id, schema] of Object.entries(converted.schemas)) schemas[id] = withoutDialect(schema as JsonObject);
  }
  return schemas;
}

function jsonSchema(schema: z.ZodType): JsonObject {
  return withoutDialect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject);
}

function withoutDialect(schema: JsonObject): JsonObject {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}
