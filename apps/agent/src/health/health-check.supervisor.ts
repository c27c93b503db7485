import type { DeploymentSpec, HealthCheckSpec } from '@plato/contracts';
import { createLogger, type Logger } from '@plato/messaging';
import type { ContainerInfo, ContainerRuntime } from '@plato/runtime';
import { observationId } from '../reconcile/allocation-container.rules.js';
import type { AllocationReporter } from '../report/allocation.reporter.js';
import { HealthCheckTracker, type HealthTransition } from './health-check.tracker.js';
import { probe, probeAddressOf, type ProbeOptions, type ProbeTarget } from './health.probe.js';

/** Options of {@link HealthCheckSupervisor}. */
export interface HealthCheckSupervisorOptions extends ProbeOptions {
  /** Called when a container turned unhealthy and its restart policy restarts it; queue a reconcile. */
  onRestartWanted?: (allocId: string) => void;
  /** The clock, in epoch milliseconds. */
  now?: () => number;
  logger?: Logger;
}

interface Runner {
  readonly key: string;
  stop(): void;
}

/**
 * Runs the spec's health check against each running container of the node's allocations, one
 * serial loop per container: a probe at once, then every `interval` (from the start of the
 * previous one), each within `timeout` (see {@link probe}). Verdicts come from a
 * {@link HealthCheckTracker}; each change is reported once (`healthy`, `unhealthy` with the
 * reason) under an id made of the container, its start and the probe's time, so the reporter
 * sends it once and a later change is never mistaken for it.
 *
 * When a container turns unhealthy and its restart policy is `always` or `on-failure`, the
 * allocation is marked for a restart and `onRestartWanted` is called; the reconciler, serial per
 * allocation, then takes the mark ({@link takeRestart}), stops the container and restarts it by
 * the policy (Nomad's `check_restart`). The reconciler calls {@link watch} wherever it knows a
 * container runs and {@link unwatch} wherever it stops, loses or leaves one.
 */
export class HealthCheckSupervisor {
  private readonly runners = new Map<string, Runner>();
  private readonly restarts = new Map<string, string>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private closed = false;

  constructor(
    private readonly reporter: AllocationReporter,
    private readonly options: HealthCheckSupervisorOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('agent-health');
    this.now = options.now ?? Date.now;
  }

  /**
   * Checks the running container `info` of `allocId` by `spec.health` (stops checking when the
   * spec has none). Keeps the loop already checking that container since its last start, unless
   * `fresh`: the agent just reported the container started, so the log forgot its verdict and
   * the next one must be reported again.
   */
  watch(allocId: string, runtime: ContainerRuntime, info: ContainerInfo, spec: DeploymentSpec, fresh: boolean): void {
    const check = spec.health;
    if (this.closed || !check) {
      this.unwatch(allocId);
      return;
    }
    const startedAt = info.startedAt?.getTime() ?? this.now();
    const key = `${info.id}@${startedAt}`;
    if (!fresh && this.runners.get(allocId)?.key === key) return;
    this.unwatch(allocId);
    const target: ProbeTarget = { containerId: info.id, runtime, address: probeAddressOf(spec, info.ports) };
    const restarts = spec.restart.policy !== 'never';
    this.runners.set(allocId, this.run(allocId, key, check, target, startedAt, restarts));
  }

  /** Stops checking the container of `allocId` and forgets a restart not yet taken. */
  unwatch(allocId: string): void {
    this.runners.get(allocId)?.stop();
    this.runners.delete(allocId);
    this.restarts.delete(allocId);
  }

  /**
   * True, once, when the container `containerId` of `allocId` turned unhealthy and should be
   * restarted; the caller stops it then.
   */
  takeRestart(allocId: string, containerId: string): boolean {
    if (this.restarts.get(allocId) !== containerId) return false;
    this.restarts.delete(allocId);
    return true;
  }

  /** Stops every check. */
  close(): void {
    this.closed = true;
    for (const allocId of [...this.runners.keys()]) this.unwatch(allocId);
  }

  private run(allocId: string, key: string, check: HealthCheckSpec, target: ProbeTarget, startedAt: number, restarts: boolean): Runner {
    const tracker = new HealthCheckTracker(check, startedAt);
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const tick = async (): Promise<void> => {
      const began = this.now();
      const result = await probe(check, target, this.options);
      if (stopped) return;
      const transition = result && tracker.observe(result, this.now());
      if (transition) this.transition(allocId, target.containerId, transition, restarts);
      timer = setTimeout(() => void tick(), Math.max(0, began + check.interval - this.now()));
    };
    timer = setTimeout(() => void tick(), 0);
    return {
      key,
      stop: () => {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  private transition(allocId: string, containerId: string, transition: HealthTransition, restarts: boolean): void {
    const at = new Date(transition.at);
    if (transition.status === 'healthy') {
      this.logger.info({ allocId, container: containerId }, 'container healthy');
      this.reporter.report(allocId, observationId(allocId, 'healthy', containerId, at), { kind: 'healthy', containerId });
      return;
    }
    const reason = transition.reason ?? 'health check failed';
    this.logger.warn({ allocId, container: containerId, reason, restart: restarts }, 'container unhealthy');
    this.reporter.report(allocId, observationId(allocId, 'unhealthy', containerId, at), { kind: 'unhealthy', containerId, reason });
    if (!restarts) return;
    this.restarts.set(allocId, containerId);
    this.options.onRestartWanted?.(allocId);
  }
}
