import { z } from 'zod';
import { ContractViolation, type ContractIssue } from './errors.js';

/** Turns zod's issues into Plato's: dotted field paths and zod's own reason. */
export function issuesOf(error: z.ZodError): ContractIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '['),
    message: issue.message,
  }));
}

/**
 * Parses `value` with `schema`, or throws a {@link ContractViolation} naming `subject` and every
 * failing field. The one way Plato checks a message it receives or is about to write.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ContractViolation(subject, issuesOf(result.error));
  return result.data;
}

/** An event's contract: its type name (the `Plato-Event-Type` header), schema version, and schema. */
export interface EventContract<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly type: T;
  readonly version: number;
  readonly schema: S;
}

/** The data of an event contract. */
export type EventDataOf<C> = C extends EventContract<string, infer S> ? z.output<S> : never;

/** Declares an event contract. Event types are PascalCase, past tense (`DeploymentSpecApplied`). */
export function defineEvent<T extends string, S extends z.ZodType>(type: T, version: number, schema: S): EventContract<T, S> {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(type)) throw new Error(`event type must be PascalCase: ${type}`);
  return { kind: 'event', type, version, schema };
}

/** A command's or query's contract: the NATS subject it is sent on, its version, and its schema. */
export interface RequestContract<Sub extends string = string, S extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly kind: 'command' | 'query';
  readonly subject: Sub;
  readonly version: number;
  readonly schema: S;
  readonly reply: R;
}

/** The request payload of a command or query contract. */
export type RequestOf<C> = C extends RequestContract<string, infer S, z.ZodType> ? z.input<S> : never;
/** The parsed payload of a command or query contract, as handlers see it. */
export type ParsedRequestOf<C> = C extends RequestContract<string, infer S, z.ZodType> ? z.output<S> : never;
/** The reply of a command or query contract. */
export type ReplyOf<C> = C extends RequestContract<string, z.ZodType, infer R> ? z.output<R> : never;

/** Declares a command (changes state; sent on `plato.cmd.…`). */
export function defineCommand<Sub extends string, S extends z.ZodType, R extends z.ZodType>(
  subject: Sub,
  version: number,
  schema: S,
  reply: R,
): RequestContract<Sub, S, R> {
  return { kind: 'command', subject, version, schema, reply };
}

/** Declares a query (reads a projection; sent on `plato.query.…`). */
export function defineQuery<Sub extends string, S extends z.ZodType, R extends z.ZodType>(
  subject: Sub,
  version: number,
  schema: S,
  reply: R,
): RequestContract<Sub, S, R> {
  return { kind: 'query', subject, version, schema, reply };
}
