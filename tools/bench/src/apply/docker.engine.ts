import { request, type IncomingMessage } from 'node:http';
import { Arrivals } from '../shared/arrivals.counter.js';
import type { EngineWatch, RoundEngine } from './apply.rounds.js';

/** A container as the engine lists it. */
export interface EngineContainer {
  id: string;
  state: string;
  /** Host ports its ports are published on. */
  ports: number[];
}

/** Container `start` events of the engine for one label, timed by the engine's own clock. */
export interface StartWatch {
  /** When each container started (epoch ms, the engine's `timeNano`), in order of arrival. */
  readonly starts: Arrivals;
  close(): void;
}

/**
 * The few Docker Engine API calls the apply bench needs, over the engine's unix socket with
 * node:http (no client library): list and remove containers by label, and watch `start` events.
 * Every call names a label the bench put on its own containers, so nothing else is touched.
 */
export class DockerEngine implements RoundEngine {
  constructor(private readonly socketPath = process.env['PLATO_DOCKER_SOCKET'] ?? '/var/run/docker.sock') {}

  private call(method: string, path: string, timeoutMs = 30_000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`docker ${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  /** Every container (running or not) carrying `label` (`key=value`). */
  async list(label: string): Promise<EngineContainer[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
    const { status, body } = await this.call('GET', `/containers/json?all=true&filters=${filters}`);
    if (status !== 200) throw new Error(`docker list (${label}) answered ${status}: ${body}`);
    return (JSON.parse(body) as { Id: string; State: string; Ports?: { PublicPort?: number }[] }[]).map((c) => ({
      id: c.Id,
      state: c.State,
      ports: (c.Ports ?? []).flatMap((p) => (p.PublicPort ? [p.PublicPort] : [])),
    }));
  }

  /** Force-removes every container carrying `label`; returns how many it removed. */
  async removeAll(label: string): Promise<number> {
    const found = await this.list(label);
    await Promise.all(
      found.map(async (c) => {
        const { status, body } = await this.call('DELETE', `/containers/${c.id}?force=true&v=true`);
        if (status !== 204 && status !== 404) throw new Error(`docker remove ${c.id} answered ${status}: ${body}`);
      }),
    );
    return found.length;
  }

  /** Resolves once no container carries `label`; rejects after `timeoutMs`. */
  async waitGone(label: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; Date.now() < deadline && i < 10_000; i++) {
      if ((await this.list(label)).length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`containers labelled ${label} still exist after ${timeoutMs} ms`);
  }

  /** The start events of the containers carrying `label`, as an apply round reads them. */
  async watch(label: string): Promise<EngineWatch> {
    const { starts, close } = await this.watchStarts(label);
    return {
      times: async (n, timeoutMs) => {
        await starts.waitFor(n, timeoutMs, `${n} container starts labelled ${label}`);
        return { started: starts.all.slice(0, n) };
      },
      close,
    };
  }

  /** Starts watching container `start` events of containers carrying `label`. Resolves once subscribed. */
  watchStarts(label: string): Promise<StartWatch> {
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], event: ['start'], label: [label] }));
    const starts = new Arrivals();
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method: 'GET', path: `/events?filters=${filters}` }, (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          reject(new Error(`docker events answered ${res.statusCode}`));
          res.resume();
          return;
        }
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            const event = JSON.parse(line) as { timeNano?: number; time?: number };
            starts.add(event.timeNano !== undefined ? event.timeNano / 1e6 : (event.time ?? 0) * 1000);
          }
        });
        res.on('error', () => undefined);
        resolve({ starts, close: () => req.destroy() });
      });
      req.on('error', (error) => reject(error));
      req.flushHeaders();
      req.end();
    });
  }
}
