import { RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import {
  ContractViolation,
  ErrorCode,
  PlatoError,
  errorFromBody,
  parseOrThrow,
  type ReplyOf,
  type RequestContract,
  type RequestOf,
} from '@plato/contracts';
import { RpcReply, encodeJson, errorBodyFromWire } from './rpc.envelope.js';

/** Options of {@link request}. */
export interface RequestOptions {
  /** Milliseconds to wait for the reply (default 5 000). */
  timeoutMs?: number;
}

/**
 * Sends a command or query and returns its parsed reply. The one way Plato's clients call the
 * control plane over NATS.
 *
 * - The payload is checked against the contract first: a bad one throws a ContractViolation naming
 *   every field, and nothing is sent.
 * - An error reply is revived as the {@link PlatoError} the server threw (same code and details).
 * - No responder, or no reply in time, throws `UNAVAILABLE`; a reply that breaks the envelope or
 *   the contract's reply schema throws a ContractViolation about the reply.
 */
export async function request<C extends RequestContract>(
  nc: NatsConnection,
  contract: C,
  payload: RequestOf<C>,
  options: RequestOptions = {},
): Promise<ReplyOf<C>> {
  const body = parseOrThrow(contract.schema, payload, contract.subject);
  const timeout = options.timeoutMs ?? 5_000;
  let text: string;
  try {
    const reply = await nc.request(contract.subject, encodeJson(body), { timeout });
    text = reply.string();
  } catch (error) {
    throw unavailable(contract.subject, timeout, error);
  }
  const envelope = parseOrThrow(RpcReply, parseJson(text, contract.subject), `reply of ${contract.subject}`);
  if (!envelope.ok) throw errorFromBody(errorBodyFromWire(envelope.error));
  return parseOrThrow(contract.reply, envelope.value, `reply of ${contract.subject}`) as ReplyOf<C>;
}

function parseJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractViolation(`reply of ${subject}`, [{ path: '', message: `not JSON (${reason})` }]);
  }
}

function unavailable(subject: string, timeoutMs: number, error: unknown): PlatoError {
  if (error instanceof RequestError && error.isNoResponders()) {
    return new PlatoError(ErrorCode.Unavailable, `no service answers ${subject}: is the state-server running?`, { subject });
  }
  if (error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError)) {
    return new PlatoError(ErrorCode.Unavailable, `no reply on ${subject} within ${timeoutMs} ms`, { subject, timeoutMs });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new PlatoError(ErrorCode.Unavailable, `request on ${subject} failed: ${reason}`, { subject });
}
