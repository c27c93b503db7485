import { connect } from 'node:net';
import { declaredPort, type DeploymentSpec, type HealthCheckSpec } from '@plato/contracts';
import { DefaultHostIp, RuntimeUnavailable, isLoopbackAddress, type ContainerRuntime, type PublishedPort } from '@plato/runtime';
import type { ProbeResult } from './health-check.tracker.js';

/** Where an `http` or `tcp` check connects: the check's port as published on the node's loopback. */
export interface ProbeAddress {
  readonly host: string;
  readonly port: number;
}

/** What one probe runs against: the container, its runtime (for `exec`) and its published port. */
export interface ProbeTarget {
  readonly containerId: string;
  readonly runtime: ContainerRuntime;
  /** The check's port on the node, or why there is none; unused by `exec` checks. */
  readonly address: ProbeAddress | string;
}

/**
 * Where the spec's `http` or `tcp` check connects on the node: the published host port of the
 * declared port it names, on that publication's loopback address (127.0.0.1 when it is published
 * elsewhere: probes never leave the node's loopback, nor go to a container's own address).
 * Returns why not when the port is not declared or not published.
 */
export function probeAddressOf(spec: DeploymentSpec, published: readonly PublishedPort[]): ProbeAddress | string {
  const check = spec.health;
  if (!check || check.type === 'exec') return 'the check has no port';
  const declared = declaredPort(spec.ports, check.port);
  if (!declared) return `no port ${String(check.port)} is declared`;
  const found = published.find((port) => port.container === declared.container && port.protocol === 'tcp');
  if (!found) return `container port ${declared.container} is not published on the node`;
  return { host: isLoopbackAddress(found.hostIp) ? found.hostIp : DefaultHostIp, port: found.host };
}

/** Options of {@link probe}. */
export interface ProbeOptions {
  /**
   * How long a `tcp` connection must stay open to count (default 200 ms, at most the timeout): a
   * publishing proxy (docker-proxy, LXD's proxy device) accepts every connection and closes it at
   * once when nothing listens in the container, so a bare connect proves nothing.
   */
  settleMs?: number;
}

/**
 * Runs one probe of `check` against `target` within `check.timeout`. Resolves with its result, or
 * undefined when the runtime did not answer (an `exec` check then gives no verdict: the agent
 * reports the runtime's outage instead). Never rejects.
 */
export async function probe(check: HealthCheckSpec, target: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult | undefined> {
  if (check.type === 'exec') return probeExec(check.command, check.timeout, target);
  if (typeof target.address === 'string') return { ok: false, reason: target.address };
  if (check.type === 'http') return probeHttp(check.path, check.status, check.timeout, target.address);
  return probeTcp(check.timeout, Math.min(options.settleMs ?? 200, check.timeout), target.address);
}

async function probeHttp(path: string, status: number | undefined, timeoutMs: number, { host, port }: ProbeAddress): Promise<ProbeResult> {
  const what = `GET ${path} on ${host}:${port}`;
  try {
    const response = await fetch(`http://${host}:${port}${path}`, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
      headers: { connection: 'close', 'user-agent': 'plato-health-check' },
    });
    await response.body?.cancel().catch(() => undefined);
    const wanted = status === undefined ? response.status >= 200 && response.status < 400 : response.status === status;
    if (wanted) return { ok: true };
    return { ok: false, reason: `${what} answered ${response.status}, wanted ${status ?? '2xx or 3xx'}` };
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { ok: false, reason: `${what} did not answer within ${timeoutMs} ms` };
    }
    return { ok: false, reason: `${what} failed: ${causeOf(error)}` };
  }
}

function probeTcp(timeoutMs: number, settleMs: number, { host, port }: ProbeAddress): Promise<ProbeResult> {
  const what = `tcp ${host}:${port}`;
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: ProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, reason: `${what}: no connection within ${timeoutMs} ms` }), timeoutMs);
    socket.once('error', (error) => done({ ok: false, reason: `${what}: ${causeOf(error)}` }));
    socket.once('connect', () => {
      const settled = setTimeout(() => done({ ok: true }), settleMs);
      socket.once('data', () => {
        clearTimeout(settled);
        done({ ok: true });
      });
      socket.once('end', () => {
        clearTimeout(settled);
        done({ ok: false, reason: `${what}: the connection was closed at once (nothing listens on that port in the container)` });
      });
    });
  });
}

async function probeExec(command: readonly string[], timeoutMs: number, { containerId, runtime }: ProbeTarget): Promise<ProbeResult | undefined> {
  const what = `exec ${command.join(' ')}`;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `${what} did not end within ${timeoutMs} ms` }), timeoutMs);
  });
  const run = runtime.exec(containerId, [...command]).then(
    (result): ProbeResult =>
      result.exitCode === 0 ? { ok: true } : { ok: false, reason: `${what} exited ${result.exitCode}${outputOf(result.stderr || result.stdout)}` },
    (error: unknown): ProbeResult | undefined => (error instanceof RuntimeUnavailable ? undefined : { ok: false, reason: `${what} failed: ${causeOf(error)}` }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function outputOf(text: string): string {
  const last = text.trim().split('\n').pop()?.trim() ?? '';
  return last ? `: ${last.slice(0, 200)}` : '';
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const { code, message } = (typeof cause === 'object' && cause !== null ? cause : {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' && message ? message : String(cause);
  return typeof code === 'string' && !text.includes(code) ? `${code} ${text}` : text;
}
