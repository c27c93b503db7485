import { createHash } from 'node:crypto';
import { restartPolicyOf, type AllocationReport } from '@plato/contracts';
import { terminalAllocationStatuses, type PlacedAllocation } from '@plato/domain';
import { createLogger, type Logger } from '@plato/messaging';
import { ContainerNotFound, RuntimeUnavailable, type ContainerInfo, type ContainerRuntime, type ContainerSpec } from '@plato/runtime';
import type { DesiredAllocations } from '../desired/desired-allocations.projection.js';
import type { RuntimeMonitor, RuntimeOutage } from '../node/runtime.monitor.js';
import { awaitsRecovery, shouldRun } from '../desired/desired-allocations.projection.js';
import type { AllocationReporter } from '../report/allocation.reporter.js';
import type { ExitWatcher } from './exit.watcher.js';
import type { ImagePreparer } from './image.preparer.js';
import type { HealthCheckSupervisor } from '../health/health-check.supervisor.js';
import { ContainerLabels, containerNameOf, containerSpecOf, matchesAllocation, observationId } from './allocation-container.rules.js';
import { RestartTracker } from './restart.tracker.js';

/** Options of {@link AllocationReconciler}. */
export interface AllocationReconcilerOptions {
  /** How long a stopped container gets to exit before it is killed (default 5 000 ms). */
  stopTimeoutMs?: number;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  /** Applies the spec's restart policy to each exit and remembers the restarts (default: a tracker of its own). */
  restarts?: RestartTracker;
  /** Asked to reconcile the allocation again after `delayMs`, when a restart is due later than now. */
  requeue?: (allocId: string, delayMs: number) => void;
  /** Told of every running container of an allocation, to react to its exit before the next resync. */
  exitWatcher?: ExitWatcher;
  /** Checks running containers by their spec's health check, and asks for unhealthy ones to be restarted. */
  health?: HealthCheckSupervisor;
  /** Finds or imports images before a create (default: the runtime's own `ensureImage` only). */
  images?: ImagePreparer;
  logger?: Logger;
}

/** A container found on one of the node's runtimes. */
interface Found {
  runtime: ContainerRuntime;
  info: ContainerInfo;
}

/**
 * Makes one allocation's container on this node match what the log wants. Idempotent: it looks at
 * the engine and the desired state each time, so the reconcile loop calls it on every change and
 * every resync, one call per allocation at a time.
 *
 * - Should run (placed, desired `run`, not terminal): adopt a running container that matches (same
 *   allocation, node, version, image) and report `started` only if the log does not already say it
 *   runs that container, so an agent restart restarts nothing; create and start a missing one;
 *   start a created one; for an exited one apply the spec's restart policy ({@link RestartTracker}):
 *   report `exited` with its code, whether it restarts, and for a restart its attempt and delay,
 *   then start it once the delay passed (asking `requeue` for a pass then); or, with its attempts
 *   used up under mode `fail`, report it `failed` and leave it (it is not started again, nor
 *   created again if removed, whatever the log still says while the control plane is away). A
 *   missing image or a refused create is reported `failed`, naming the image or the engine's reason.
 * - Lost but still wanted (its node was given up while this agent was away): left exactly as it
 *   is until the scheduler stops it (replaced elsewhere) or recovers it (then adopted as above).
 * - Should not run (desired `stop`, terminal, or unknown to the log but labelled with this node):
 *   stop (after `stopTimeoutMs`, kill) and remove; report `stopped` for an allocation stopped on
 *   request that the log does not yet show ended.
 *
 * Every step goes to the runtime the allocation's spec names (`spec.runtime`); an allocation
 * asking for a runtime the agent may not use is reported `failed`. A container of an allocation
 * the log does not know is looked for on every answering runtime.
 *
 * A runtime that does not answer ({@link RuntimeUnavailable}) fails nothing: the outage is told
 * to the {@link RuntimeMonitor}, and an allocation that should run there is reported `unknown`
 * (once per outage) and left as it is; once the runtime answers again the next reconcile adopts
 * its container (reporting it running again, restarting nothing) or converges it as usual.
 * Running containers are handed to the {@link ExitWatcher}, so an exit is handled at once, and
 * to the {@link HealthCheckSupervisor} when their spec has a health check. A running container the
 * supervisor marked unhealthy (restart policy `always` or `on-failure`) is stopped here and
 * handled as an exit: reported `exited` with `willRestart`, then started again.
 *
 * Before a step that takes a while it reports what it began, without waiting (the reporter is an
 * outbox): `pulling` when the image must be fetched (an LXD import from the image cache),
 * `starting` before each start of a container, `stopping` before it stops one on request. These
 * move only the allocation's phase, never its status.
 */
export class AllocationReconciler {
  private readonly logger: Logger;
  private readonly restarts: RestartTracker;
  private readonly now: () => number;

  constructor(
    private readonly nodeId: string,
    private readonly runtimes: RuntimeMonitor,
    private readonly desired: DesiredAllocations,
    private readonly reporter: AllocationReporter,
    private readonly options: AllocationReconcilerOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('agent-reconciler');
    this.now = options.now ?? Date.now;
    this.restarts = options.restarts ?? new RestartTracker();
  }

  /** Converges the container of `allocId` once. */
  async reconcile(allocId: string): Promise<void> {
    const state = this.desired.get(allocId);
    if (!state) {
      for (const runtime of this.runtimes.answering()) {
        await this.onRuntime(runtime, async () => {
          const info = await runtime.inspect(containerNameOf(allocId));
          if (info && info.labels[ContainerLabels.node] === this.nodeId) {
            this.logger.info({ allocId, container: info.id, runtime: runtime.name }, 'removing a container of this node the log does not know');
            await this.removeContainer({ runtime, info });
          }
        });
      }
      return;
    }
    if (awaitsRecovery(state)) {
      this.options.exitWatcher?.unwatch(allocId);
      this.options.health?.unwatch(allocId);
      return;
    }
    const runtime = this.runtimes.get(state.placement.spec.runtime);
    if (!runtime) {
      if (shouldRun(state)) this.fail(allocId, new Error(`runtime ${state.placement.spec.runtime} is not available on node ${this.nodeId} (it has ${this.runtimes.names().join(', ') || 'none'})`));
      else await this.halt(allocId, state, null);
      return;
    }
    const outage = await this.onRuntime(runtime, async () => {
      const info = await runtime.inspect(containerNameOf(allocId));
      const found = info ? { runtime, info } : null;
      if (shouldRun(state)) await this.run(allocId, state, runtime, found);
      else await this.halt(allocId, state, found);
    });
    const latest = this.desired.get(allocId) ?? state;
    if (outage && shouldRun(latest)) this.unknown(allocId, latest, outage);
  }

  /** Runs `steps` on `runtime`; resolves with the runtime's outage when it stopped answering. */
  private async onRuntime(runtime: ContainerRuntime, steps: () => Promise<void>): Promise<RuntimeOutage | undefined> {
    try {
      await steps();
      return undefined;
    } catch (error) {
      if (!(error instanceof RuntimeUnavailable) || error.runtime !== runtime.name) throw error;
      return this.runtimes.markUnavailable(runtime.name, error.message);
    }
  }

  private unknown(allocId: string, state: PlacedAllocation, outage: RuntimeOutage): void {
    this.options.exitWatcher?.unwatch(allocId);
    this.options.health?.unwatch(allocId);
    if (state.status === 'unknown') return;
    this.reporter.report(allocId, `${allocId}:unknown:${outage.since}`, { kind: 'unknown', reason: outage.reason });
  }

  private async run(allocId: string, state: PlacedAllocation, runtime: ContainerRuntime, existing: Found | null): Promise<void> {
    const givenUp = this.restarts.givenUp(allocId);
    if (givenUp !== undefined) {
      this.reportFailed(allocId, givenUp, state.status === 'unknown' ? this.desired.positionOf(allocId) : undefined);
      return;
    }
    const spec = containerSpecOf(this.nodeId, allocId, state.placement);
    let found = existing;
    if (found && !matchesAllocation(found.info, spec)) {
      this.logger.info({ allocId, container: found.info.id, image: found.info.image }, 'replacing a container that is not this allocation\'s');
      await this.removeContainer(found);
      found = null;
    }
    if (!found) {
      await this.createAndStart(allocId, state, runtime, spec);
      return;
    }
    const info = found.info;
    switch (info.state) {
      case 'running': {
        if (this.options.health?.takeRestart(allocId, info.id)) {
          await this.restartUnhealthy(allocId, state, runtime, info);
          return;
        }
        this.options.exitWatcher?.watch(allocId, info.id, runtime);
        const fresh = state.status !== 'running' || state.containerId !== info.id;
        if (fresh) this.reportStarted(allocId, info, state.status === 'unknown' ? this.desired.positionOf(allocId) : undefined);
        this.options.health?.watch(allocId, runtime, info, state.placement.spec, fresh);
        return;
      }
      case 'created':
        await this.start(allocId, state, runtime, info.id);
        return;
      case 'exited':
      case 'dead':
        await this.exited(allocId, state, runtime, info);
        return;
      default:
        this.logger.debug({ allocId, container: info.id, state: info.state }, 'container in transition; next resync looks again');
    }
  }

  /** Stops a container its health check found unhealthy, then restarts it by its policy as after any exit. */
  private async restartUnhealthy(allocId: string, state: PlacedAllocation, runtime: ContainerRuntime, info: ContainerInfo): Promise<void> {
    this.logger.info({ allocId, container: info.id, runtime: runtime.name }, 'stopping an unhealthy container to restart it');
    this.options.exitWatcher?.unwatch(allocId);
    this.options.health?.unwatch(allocId);
    await runtime.stop(info.id, { timeoutMs: this.options.stopTimeoutMs ?? 5_000 });
    const stopped = await runtime.inspect(info.id);
    if (stopped?.state === 'exited' || stopped?.state === 'dead') await this.exited(allocId, state, runtime, stopped, true);
  }

  private async exited(allocId: string, state: PlacedAllocation, runtime: ContainerRuntime, info: ContainerInfo, stoppedUnhealthy = false): Promise<void> {
    this.options.health?.unwatch(allocId);
    const exitCode = info.exitCode ?? 0;
    const key = observationId(allocId, 'exited', info.id, info.finishedAt);
    const exit = { key, at: info.finishedAt?.getTime() ?? this.now(), exitCode, stoppedUnhealthy };
    const verdict = this.restarts.onExit(allocId, restartPolicyOf(state.placement.spec), exit);
    if (verdict.kind === 'give-up') {
      this.fail(allocId, verdict.reason);
      return;
    }
    const report: AllocationReport =
      verdict.kind === 'restart'
        ? { kind: 'exited', exitCode, willRestart: true, attempt: verdict.attempt, delayMs: verdict.delayMs }
        : { kind: 'exited', exitCode, willRestart: false };
    this.reporter.report(allocId, key, report);
    if (verdict.kind !== 'restart') return;
    const wait = verdict.dueAt - this.now();
    if (wait > 0) {
      this.options.requeue?.(allocId, wait);
      return;
    }
    this.logger.info({ allocId, container: info.id, exitCode, attempt: verdict.attempt, runtime: runtime.name }, 'restarting an exited container by its restart policy');
    await this.start(allocId, state, runtime, info.id);
  }

  private async halt(allocId: string, state: PlacedAllocation, found: Found | null): Promise<void> {
    this.options.exitWatcher?.unwatch(allocId);
    this.options.health?.unwatch(allocId);
    const stoppedOnRequest = state.desired === 'stop' && !terminalAllocationStatuses.has(state.status);
    if (found) {
      this.logger.info({ allocId, container: found.info.id, runtime: found.runtime.name, desired: state.desired, status: state.status }, 'stopping and removing a container that should not run');
      if (stoppedOnRequest) this.reporter.report(allocId, `${allocId}:stopping:${found.info.id.slice(0, 12)}`, { kind: 'stopping', containerId: found.info.id });
      await this.removeContainer(found);
    }
    this.restarts.forget(allocId);
    if (stoppedOnRequest) {
      this.reporter.report(allocId, `${allocId}:stopped`, { kind: 'stopped' });
    }
  }

  private async createAndStart(allocId: string, state: PlacedAllocation, runtime: ContainerRuntime, spec: ContainerSpec): Promise<void> {
    let id: string;
    try {
      const pulling = (reason: string) => this.reporter.report(allocId, `${allocId}:pulling:${this.now()}`, { kind: 'pulling', image: spec.image, reason });
      await (this.options.images ? this.options.images.prepare(runtime, spec.image, pulling) : runtime.ensureImage(spec.image));
      id = (await runtime.create(spec)).id;
    } catch (error) {
      this.fail(allocId, error);
      return;
    }
    await this.start(allocId, state, runtime, id, false);
  }

  /**
   * Starts the container and reports it. One that went away meanwhile (removed by hand between an
   * exit and its restart) is created again once, not failed: the allocation is still wanted.
   */
  private async start(allocId: string, state: PlacedAllocation, runtime: ContainerRuntime, id: string, recreate = true): Promise<void> {
    this.reporter.report(allocId, observationId(allocId, 'starting', id, new Date(this.now())), { kind: 'starting', containerId: id });
    try {
      await runtime.start(id);
    } catch (error) {
      if (error instanceof ContainerNotFound && recreate) {
        this.logger.info({ allocId, container: id, runtime: runtime.name }, 'the container went away before its start; creating it again');
        await this.createAndStart(allocId, state, runtime, containerSpecOf(this.nodeId, allocId, state.placement));
        return;
      }
      this.fail(allocId, error);
      return;
    }
    const info = await runtime.inspect(id);
    if (info?.startedAt) this.reportStarted(allocId, info);
    if (info?.state === 'running') {
      this.options.exitWatcher?.watch(allocId, info.id, runtime);
      this.options.health?.watch(allocId, runtime, info, state.placement.spec, true);
    }
  }

  private fail(allocId: string, error: unknown): void {
    if (error instanceof RuntimeUnavailable) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn({ allocId, reason }, 'allocation failed');
    this.reportFailed(allocId, reason);
  }

  /**
   * Reports the allocation failed. `over` is the log position of the `unknown` status it corrects
   * (a failure the log did not take while the allocation was lost is a new observation once it is
   * recovered).
   */
  private reportFailed(allocId: string, reason: string, over?: number): void {
    const id = `${allocId}:failed:${createHash('sha256').update(reason).digest('hex').slice(0, 12)}`;
    this.reporter.report(allocId, over === undefined ? id : `${id}:over:${over}`, { kind: 'failed', reason });
  }

  /**
   * Reports the container started. `over` is the log position of the `unknown` status it corrects:
   * the same container seen again after an outage is a new observation.
   */
  private reportStarted(allocId: string, info: ContainerInfo, over?: number): void {
    const id = observationId(allocId, 'started', info.id, info.startedAt);
    this.reporter.report(allocId, over === undefined ? id : `${id}:over:${over}`, {
      kind: 'started',
      containerId: info.id,
      ports: info.ports.map((port) => ({ container: port.container, host: port.host, hostIp: port.hostIp, protocol: port.protocol })),
    });
  }

  private async removeContainer({ runtime, info }: Found): Promise<void> {
    if (info.state === 'running') await runtime.stop(info.id, { timeoutMs: this.options.stopTimeoutMs ?? 5_000 });
    await runtime.remove(info.id);
  }
}

