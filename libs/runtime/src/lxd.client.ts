import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';

/** LXD's answer envelope (`/1.0/...`): sync, async (an operation) or error. */
interface LxdEnvelope {
  type: 'sync' | 'async' | 'error';
  status_code?: number;
  error_code?: number;
  error?: string;
  operation?: string;
  metadata: unknown;
}

/** A background operation as `/1.0/operations/<id>` reports it. */
export interface LxdOperation {
  id: string;
  status: string;
  status_code: number;
  err: string;
  metadata: Record<string, unknown> | null;
}

/** A request's body: JSON (serialized here) or raw bytes (files, image tarballs). */
export type LxdBody = { json: unknown } | { raw: string | Buffer | Readable; headers?: Record<string, string> };

/**
 * LXD refused a request, or one of its operations failed. `status` is the HTTP-like code LXD gave
 * (404 missing, 400 refused, 409 conflict, …); `message` is LXD's own text, unchanged, so that it
 * can reach an allocation's Failed reason.
 */
export class LxdApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LxdApiError';
  }
}

/** The raw bytes of a file or log LXD serves, with its modification time when LXD gives one. */
export interface LxdFile {
  content: Buffer;
  modifiedAt: Date | null;
}

/** Options of {@link LxdClient}. */
export interface LxdClientOptions {
  /** LXD's API socket (default `/var/lib/lxd/unix.socket`). */
  socketPath?: string;
  /** How long one operation may take before it is reported as failed (default 120 000 ms). */
  operationTimeoutMs?: number;
}

const origin = 'http://lxd';

/**
 * A thin client of LXD's REST API over its unix socket (undici `Agent` with `connect.socketPath`).
 * It knows the envelope, waits on operations through `/1.0/operations/<id>/wait` and turns LXD's
 * errors into {@link LxdApiError}s; what the calls mean is {@link LxdRuntime}'s business. Connection
 * failures are rethrown as undici/Node raise them (with their `code`).
 */
export class LxdClient {
  /** The socket this client talks to. */
  readonly socketPath: string;
  private readonly agent: Agent;
  private readonly operationTimeoutMs: number;

  constructor(options: LxdClientOptions = {}) {
    this.socketPath = options.socketPath ?? '/var/lib/lxd/unix.socket';
    this.operationTimeoutMs = options.operationTimeoutMs ?? 120_000;
    this.agent = new Agent({ connect: { socketPath: this.socketPath }, keepAliveTimeout: 10_000 });
  }

  /** A sync request: resolves with `metadata`, rejects with {@link LxdApiError} on an error answer. */
  async sync<T>(method: string, path: string, body?: LxdBody): Promise<T> {
    const envelope = await this.send(method, path, body);
    return envelope.metadata as T;
  }

  /**
   * A request that starts an operation: resolves with the finished operation once it succeeded,
   * rejects with {@link LxdApiError} carrying the operation's `err` when it failed or did not end
   * within `timeoutMs` (default: the client's operation timeout). A sync answer resolves at once.
   */
  async operation(method: string, path: string, body?: LxdBody, timeoutMs = this.operationTimeoutMs): Promise<LxdOperation> {
    const envelope = await this.send(method, path, body);
    if (envelope.type !== 'async' || !envelope.operation) {
      return { id: '', status: 'Success', status_code: 200, err: '', metadata: (envelope.metadata as Record<string, unknown>) ?? null };
    }
    return this.waitOperation(envelope.operation, timeoutMs);
  }

  /** Waits for an operation by its URL (`/1.0/operations/<id>`), as {@link operation} does. */
  async waitOperation(url: string, timeoutMs = this.operationTimeoutMs): Promise<LxdOperation> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const remaining = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      const op = await this.sync<LxdOperation>('GET', `${url}/wait?timeout=${Math.min(remaining, 30)}`);
      if (op.status === 'Success') return op;
      if (op.status === 'Failure' || op.status === 'Cancelled') throw new LxdApiError(op.status_code || 400, op.err || `operation ${op.status.toLowerCase()}`);
      if (Date.now() >= deadline) throw new LxdApiError(504, `operation ${op.id} did not finish within ${timeoutMs} ms (still ${op.status})`);
    }
  }

  /** GETs raw bytes (an instance file or log); `null` when LXD answers 404. */
  async file(path: string): Promise<LxdFile | null> {
    const response = await request(`${origin}${path}`, { method: 'GET', dispatcher: this.agent });
    const content = Buffer.from(await response.body.arrayBuffer());
    if (response.statusCode === 404) return null;
    if (response.statusCode >= 400) throw new LxdApiError(response.statusCode, errorText(content, response.statusCode));
    const modified = response.headers['last-modified'];
    const modifiedAt = typeof modified === 'string' ? new Date(modified) : null;
    return { content, modifiedAt: modifiedAt && !Number.isNaN(modifiedAt.getTime()) ? modifiedAt : null };
  }

  /** Closes the connections to the socket. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(method: string, path: string, body?: LxdBody): Promise<LxdEnvelope> {
    const headers: Record<string, string> = {};
    let payload: string | Buffer | Readable | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers['content-type'] = 'application/octet-stream';
      Object.assign(headers, body.headers);
      payload = body.raw;
    }
    const response = await request(`${origin}${path}`, { method: method as 'GET', headers, body: payload, dispatcher: this.agent });
    const text = await response.body.text();
    let envelope: LxdEnvelope;
    try {
      envelope = JSON.parse(text) as LxdEnvelope;
    } catch {
      throw new LxdApiError(response.statusCode, `LXD answered ${method} ${path} with HTTP ${response.statusCode} and no JSON: ${text.slice(0, 200)}`);
    }
    if (envelope.type === 'error' || response.statusCode >= 400) {
      throw new LxdApiError(envelope.error_code || response.statusCode, envelope.error || `HTTP ${response.statusCode}`);
    }
    return envelope;
  }
}

function errorText(content: Buffer, status: number): string {
  try {
    const envelope = JSON.parse(content.toString('utf8')) as Partial<LxdEnvelope>;
    if (envelope.error) return envelope.error;
  } catch {
    /* not an envelope: report the status */
  }
  return `HTTP ${status}`;
}
