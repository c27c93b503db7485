import 'reflect-metadata';
import { Delete, Get, HttpCode, Post, Put, applyDecorators } from '@nestjs/common';
import type { z } from 'zod';
import type { ComponentName } from './http.schemas.js';

/** HTTP methods the gateway serves. */
export type ApiMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** An error status a route may answer, each with its error body in the document. */
export type ApiErrorStatus = 400 | 404 | 409 | 503;

/** What the OpenAPI document says of one route; the route's path and method come from {@link ApiRoute}. */
export interface ApiRouteOptions {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Path parameters, by the name they have in the path. */
  params?: Record<string, z.ZodType>;
  /** The query string, as one object schema (its keys are the parameters). */
  query?: z.ZodObject;
  /** Request headers the route reads. */
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  /** The request body's schema; `yaml` when it may also be sent as `application/yaml`. */
  body?: { component: ComponentName; yaml?: boolean };
  /** The success answer: its status (default 200), its body, and its media type (default JSON). */
  response: { status?: number; component: ComponentName; mediaType?: 'application/json' | 'text/event-stream'; description: string };
  /** Error statuses besides 500, which every route may answer. */
  errors?: ApiErrorStatus[];
}

/** A route as {@link ApiRoute} records it on its handler. */
export interface ApiRouteMetadata extends ApiRouteOptions {
  method: ApiMethod;
  /** The path in Nest's syntax (`v1/namespaces/:ns/deployments/:name`), without a leading slash. */
  path: string;
}

/** The metadata key under which {@link ApiRoute} records a route. */
export const apiRouteMetadataKey = Symbol('plato:api-route');

const methodDecorators = { GET: Get, PUT: Put, POST: Post, DELETE: Delete } as const;

/**
 * Declares a route once for both Nest and the OpenAPI document: registers the handler under
 * `method` and `path` with the success status, and records `options` so that the document is
 * built from the routes that exist, never from a second list.
 */
export function ApiRoute(method: ApiMethod, path: string, options: ApiRouteOptions): MethodDecorator {
  const metadata: ApiRouteMetadata = { ...options, method, path };
  const record: MethodDecorator = (_target, _key, descriptor) => {
    Reflect.defineMetadata(apiRouteMetadataKey, metadata, descriptor.value as object);
    return descriptor;
  };
  return applyDecorators(methodDecorators[method](path), HttpCode(options.response.status ?? 200), record);
}

/** The routes a controller class declares with {@link ApiRoute}. */
export function apiRoutesOf(controller: abstract new (...args: never[]) => unknown): ApiRouteMetadata[] {
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype)
    .map((name) => prototype[name])
    .filter((member): member is object => typeof member === 'function')
    .map((handler) => Reflect.getMetadata(apiRouteMetadataKey, handler) as ApiRouteMetadata | undefined)
    .filter((route): route is ApiRouteMetadata => route !== undefined);
}
