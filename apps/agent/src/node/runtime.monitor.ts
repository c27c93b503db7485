import type { Runtime, UnavailableRuntime } from '@plato/contracts';
import { createLogger, type Logger } from '@plato/messaging';
import type { ContainerRuntime } from '@plato/runtime';

/** A runtime that stopped answering: since when (epoch ms) and what the agent saw. */
export interface RuntimeOutage {
  readonly since: number;
  readonly reason: string;
}

/** Options of {@link RuntimeMonitor}. */
export interface RuntimeMonitorOptions {
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  logger?: Logger;
}

/**
 * The health of the runtimes an agent may use (Nomad's driver health). A runtime is *offered* by
 * the node once it has answered at least once since the agent started, and stays offered while it
 * does not answer: it is then *unavailable*, with the time and reason of the outage, until a probe
 * finds it answering again. `probe` asks every runtime; `markUnavailable` records an outage an
 * operation ran into before the next probe. Every change (a runtime offered for the first time,
 * an outage, a recovery) is told to the `onChange` listeners.
 */
export class RuntimeMonitor {
  private readonly byName = new Map<Runtime, ContainerRuntime>();
  private readonly offeredNames = new Set<Runtime>();
  private readonly outages = new Map<Runtime, RuntimeOutage>();
  private readonly listeners: (() => void)[] = [];
  private readonly now: () => number;
  private readonly logger: Logger;

  /** `candidates`: at most one runtime per name; later ones of a name are ignored. */
  constructor(candidates: readonly ContainerRuntime[], options: RuntimeMonitorOptions = {}) {
    for (const runtime of candidates) if (!this.byName.has(runtime.name)) this.byName.set(runtime.name, runtime);
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? createLogger('agent-runtimes');
  }

  /** Calls `listener` after every change of what is offered or available. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Asks every runtime whether it answers, and records what changed. */
  async probe(): Promise<void> {
    const runtimes = [...this.byName.values()];
    const healths = await Promise.all(runtimes.map((runtime) => runtime.health()));
    let changed = false;
    runtimes.forEach((runtime, i) => {
      const health = healths[i]!;
      changed = (health.available ? this.answered(runtime.name) : this.unanswered(runtime.name, health.reason)) || changed;
    });
    if (changed) this.changed();
  }

  /**
   * Records that `name` did not answer an operation; returns its outage (the one already known,
   * or a new one starting now).
   */
  markUnavailable(name: Runtime, reason: string): RuntimeOutage {
    if (this.unanswered(name, reason)) this.changed();
    return this.outages.get(name) ?? { since: this.now(), reason };
  }

  /** The adapter of `name`, if the agent may use that runtime at all (answering or not). */
  get(name: Runtime): ContainerRuntime | undefined {
    return this.byName.get(name);
  }

  /** The runtimes the agent may use, by name. */
  names(): Runtime[] {
    return [...this.byName.keys()];
  }

  /** The runtimes that answered at their last probe or operation. */
  answering(): ContainerRuntime[] {
    return [...this.byName.values()].filter((runtime) => this.offeredNames.has(runtime.name) && !this.outages.has(runtime.name));
  }

  /** The runtimes the node offers (each answered at least once), in the candidates' order. */
  offered(): Runtime[] {
    return this.names().filter((name) => this.offeredNames.has(name));
  }

  /** The offered runtimes that do not answer now, with the reason of each outage. */
  unavailable(): UnavailableRuntime[] {
    return this.offered().flatMap((runtime) => {
      const outage = this.outages.get(runtime);
      return outage ? [{ runtime, reason: outage.reason }] : [];
    });
  }

  private answered(name: Runtime): boolean {
    const outage = this.outages.get(name);
    if (this.offeredNames.has(name) && !outage) return false;
    this.offeredNames.add(name);
    this.outages.delete(name);
    if (outage) this.logger.info({ runtime: name, unavailableMs: this.now() - outage.since }, 'runtime answers again');
    else this.logger.info({ runtime: name }, 'runtime answers; offering it');
    return true;
  }

  private unanswered(name: Runtime, reason: string): boolean {
    if (this.outages.has(name) || !this.byName.has(name)) return false;
    this.outages.set(name, { since: this.now(), reason });
    this.logger.warn({ runtime: name, reason, offered: this.offeredNames.has(name) }, 'runtime does not answer');
    return true;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
