import { ErrorCode, PlatoError, type ErrorBody } from '@plato/contracts';
import { z } from 'zod';

/** The wire form of an error ({@link ErrorBody}), as a schema for checking replies. */
export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
});

/**
 * The envelope of every reply on `plato.cmd.*` and `plato.query.*` (JSON, UTF-8):
 * `{ "ok": true, "value": <the contract's reply> }` or `{ "ok": false, "error": <ErrorBody> }`.
 * A contract's `reply` schema describes `value` only.
 */
export const RpcReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorBodySchema }),
]);

/** A reply envelope. */
export type RpcReply = { ok: true; value: unknown } | { ok: false; error: ErrorBody };

const knownCodes = new Set<string>(Object.values(ErrorCode));

/**
 * The RPC transport's one error mapper: a {@link PlatoError} travels as its own body; anything
 * else is a fault nobody anticipated and travels as `INTERNAL` with its message.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof PlatoError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return { code: ErrorCode.Internal, message: `internal error: ${message}`, details: {} };
}

/** Reads an error body off the wire; an unknown code becomes `INTERNAL`, keeping the original in `details.code`. */
export function errorBodyFromWire(body: z.output<typeof ErrorBodySchema>): ErrorBody {
  if (knownCodes.has(body.code)) return body as ErrorBody;
  return { code: ErrorCode.Internal, message: body.message, details: { ...body.details, code: body.code } };
}

const encoder = new TextEncoder();

/** Encodes a value as the UTF-8 JSON bytes Plato's RPC carries. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}
