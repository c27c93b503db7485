import { LxdApiError, type LxdClient } from '@plato/runtime';
import type { EngineWatch, RoundEngine } from '../apply/apply.rounds.js';

/** An LXD instance as the bench reads it; times are epoch ms by LXD's clock (NaN when unset). */
export interface BenchInstance {
  name: string;
  status: string;
  /** When LXD began creating it (`created_at`). */
  createdAt: number;
  /** When LXD last began starting it (`last_used_at`; a start's proxy devices come after). */
  startedAt: number;
}

interface LxdInstanceRecord {
  name: string;
  status: string;
  config: Record<string, string>;
  created_at?: string;
  last_used_at?: string;
}

/** The config key under which LxdRuntime keeps a container label (`user.plato.label.<key>`). */
const labelKeyPrefix = 'user.plato.label.';
const filterableValue = /^[A-Za-z0-9._-]+$/;
const pollMs = 100;

function epochMs(text: string | undefined): number {
  const ms = text ? Date.parse(text) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : Number.NaN;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The LXD calls the bench makes besides the floor's creates and starts, over libs/runtime's
 * `LxdClient` (LXD's REST API on its unix socket): list the instances carrying a config key, read
 * their creation and start times, force-stop and delete them. Every call names a config key the
 * bench or the agent set on its own instances (the run id, the run's node id, a deployment), so
 * nothing else is touched. As a {@link RoundEngine} it reads Plato's labels (`key=value`) the way
 * LxdRuntime stores them.
 */
export class LxdInstances implements RoundEngine {
  constructor(private readonly client: LxdClient) {}

  /** Every instance whose config key `key` is `value` (LXD filters when the value allows, then the bench again). */
  async list(key: string, value: string): Promise<BenchInstance[]> {
    const filter = filterableValue.test(value) ? `&filter=${encodeURIComponent(`config.${key} eq ${value}`)}` : '';
    const found = await this.client.sync<LxdInstanceRecord[]>('GET', `/1.0/instances?recursion=1${filter}`);
    return found
      .filter((i) => i.config[key] === value)
      .map((i) => ({ name: i.name, status: i.status, createdAt: epochMs(i.created_at), startedAt: epochMs(i.last_used_at) }));
  }

  /** Force-stops and deletes every instance whose config key `key` is `value`; returns how many. */
  async removeAll(key: string, value: string, timeoutMs = 60_000): Promise<number> {
    const found = await this.list(key, value);
    await Promise.all(found.map((i) => this.remove(i.name, timeoutMs)));
    return found.length;
  }

  /** Resolves once no instance has `key` = `value`; rejects after `timeoutMs`. */
  async waitGoneByKey(key: string, value: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.list(key, value)).length === 0) return;
      await pause(pollMs);
    }
    throw new Error(`LXD instances with ${key}=${value} still exist after ${timeoutMs} ms`);
  }

  /**
   * Resolves with the first `n` instances with `key` = `value` that LXD started (a start time
   * set), by start time; polls every 100 ms and rejects after `timeoutMs`.
   */
  async waitStarted(key: string, value: string, n: number, timeoutMs: number): Promise<BenchInstance[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const started = (await this.list(key, value)).filter((i) => Number.isFinite(i.startedAt)).sort((a, b) => a.startedAt - b.startedAt);
      if (started.length >= n) return started.slice(0, n);
      if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${n} started LXD instances with ${key}=${value}: ${started.length}/${n}`);
      await pause(pollMs);
    }
  }

  /** A round's containers, labelled `key=value` by the agent: read once they are reported running. */
  watch(label: string): Promise<EngineWatch> {
    const [key, value] = this.labelKey(label);
    return Promise.resolve({
      times: async (n, timeoutMs) => {
        const started = await this.waitStarted(key, value, n, timeoutMs);
        return { started: started.map((i) => i.startedAt), created: started.map((i) => i.createdAt) };
      },
      close: () => undefined,
    });
  }

  waitGone(label: string, timeoutMs: number): Promise<void> {
    return this.waitGoneByKey(...this.labelKey(label), timeoutMs);
  }

  /** `plato.node=<id>` as LxdRuntime's config key and value. */
  labelKey(label: string): [string, string] {
    const eq = label.indexOf('=');
    const key = label.slice(0, eq);
    if (eq <= 0 || !/^[a-z0-9.-]+$/.test(key)) throw new Error(`'${label}' is not a label the bench can read from LXD (key=value, key of a-z 0-9 . -)`);
    return [labelKeyPrefix + key, label.slice(eq + 1)];
  }

  private async remove(name: string, timeoutMs: number): Promise<void> {
    const path = `/1.0/instances/${encodeURIComponent(name)}`;
    try {
      await this.client.operation('PUT', `${path}/state`, { json: { action: 'stop', force: true } }, timeoutMs);
    } catch (error) {
      if (!(error instanceof LxdApiError && /already stopped|not running/i.test(error.message))) throw error;
    }
    try {
      await this.client.operation('DELETE', path, undefined, timeoutMs);
    } catch (error) {
      if (!(error instanceof LxdApiError && error.status === 404)) throw error;
    }
  }
}
