import type { NatsConnection } from '@nats-io/transport-node';
import { streamName, type AllocationExited, type EventDataOf, type Runtime } from '@plato/contracts';
import { terminalAllocationStatuses } from '@plato/domain';
import type { EventStore, RecordedEvent, Subscription } from '@plato/event-store';
import { createLogger, type Logger } from '@plato/messaging';
import type { ContainerRuntime } from '@plato/runtime';
import type { AgentConfig } from './config/agent.config.js';
import { DesiredAllocations, shouldRun } from './desired/desired-allocations.projection.js';
import { HealthCheckSupervisor } from './health/health-check.supervisor.js';
import { NodeRegistrar } from './node/node.registrar.js';
import { RuntimeMonitor } from './node/runtime.monitor.js';
import { ContainerLabels, containerNameOf } from './reconcile/allocation-container.rules.js';
import { AllocationReconciler } from './reconcile/allocation.reconciler.js';
import { ExitWatcher } from './reconcile/exit.watcher.js';
import { ImagePreparer } from './reconcile/image.preparer.js';
import { ReconcileQueue } from './reconcile/reconcile.queue.js';
import { RestartTracker } from './reconcile/restart.tracker.js';
import { AllocationReporter, natsReportSender, type ReportSender } from './report/allocation.reporter.js';

/** What {@link startAgent} runs on; the caller owns and closes the connection, store and runtime. */
export interface StartAgentOptions {
  config: Pick<AgentConfig, 'nodeId' | 'hostname' | 'labels' | 'capacity' | 'heartbeatMs' | 'reconcileMs'> &
    Partial<Pick<AgentConfig, 'runtimes' | 'imageCache' | 'concurrency'>>;
  nc: NatsConnection;
  /** The event log, read only: the agent replays its node's allocation streams from it. */
  eventStore: EventStore;
  /**
   * The runtimes the node may have, at most one per name (Docker, LXD). Those `config.runtimes`
   * allows (all when it is undefined) are watched: each is offered once it answers, and while an
   * offered one does not answer it is registered unavailable (see {@link RuntimeMonitor}).
   */
  runtimes: readonly ContainerRuntime[];
  /** How reports reach the state-server (default: ReportAllocation requests on `nc`). */
  reportSender?: ReportSender;
  logger?: Logger;
}

/** A running agent. */
export interface RunningAgent {
  readonly nodeId: string;
  /** The runtimes the node offers: every allowed one that answered since the agent started. */
  readonly runtimes: readonly Runtime[];
  /** The node's allocations as the agent last read them from the log. */
  readonly desired: DesiredAllocations;
  /** Resolves once the state-server accepted the node's registration. */
  registered(): Promise<void>;
  /** Runs one full resync now and resolves once its work is done. */
  resync(): Promise<void>;
  /**
   * Stops heartbeating, the subscription, the resync and the reports. Leaves every container as
   * it is: a stopped agent stops no container, and the next one adopts them.
   */
  close(): Promise<void>;
}

/**
 * Starts the node agent: finds which of the given runtimes answer, registers the node with them
 * and heartbeats (in the background, retried until the state-server answers), replays the node's
 * allocation streams (`alloc.<nodeId>.*`) from the log and keeps following them, and converges
 * the runtimes: each allocation is reconciled on every change of its stream, at once when a
 * running container exits (the {@link ExitWatcher}) or is found unhealthy by its spec's health
 * check (the {@link HealthCheckSupervisor}), and on every resync (every `reconcileMs`).
 * A resync first asks every runtime whether it answers, registers the node again when that
 * changed (a runtime offered for the first time, unavailable, or back), and finds containers
 * labelled with this node that the log does not know, on every answering runtime. Each
 * allocation runs on the runtime its spec names; while that runtime does not answer the
 * allocation is reported `unknown` and other runtimes' allocations carry on; when it answers
 * again everything is reconverged at once. An LXD image missing from LXD is imported from
 * `config.imageCache` when a tarball for it is there. Resolves once the replay has caught up with
 * the log and the first resync has been queued. Nothing is touched before the replay caught up,
 * so a partial view never removes or restarts a container.
 */
export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  const { config, nc, eventStore } = options;
  const nodeId = config.nodeId;
  const logger = options.logger ?? createLogger('agent');
  const allowed = config.runtimes;
  const monitor = new RuntimeMonitor(
    options.runtimes.filter((runtime) => !allowed || allowed.includes(runtime.name)),
    { logger },
  );
  await monitor.probe();
  if (monitor.offered().length === 0) logger.warn({ tried: monitor.names() }, 'no container runtime answers; registering with none for now');

  const facts = () => ({
    nodeId,
    hostname: config.hostname,
    capacity: config.capacity,
    labels: config.labels,
    runtimes: monitor.offered(),
    unavailableRuntimes: monitor.unavailable(),
  });
  const registrar = new NodeRegistrar(nc, facts(), { heartbeatMs: config.heartbeatMs, logger });
  registrar.start();

  const desired = new DesiredAllocations(nodeId);
  const reporter = new AllocationReporter(nodeId, options.reportSender ?? natsReportSender(nc), { logger });
  const exitWatcher = new ExitWatcher((allocId) => queue.enqueue(allocId));
  const health = new HealthCheckSupervisor(reporter, { logger, onRestartWanted: (allocId) => queue.enqueue(allocId) });
  const images = config.imageCache ? new ImagePreparer(config.imageCache, logger) : undefined;
  const restarts = new RestartTracker();
  const reconciler = new AllocationReconciler(nodeId, monitor, desired, reporter, {
    logger,
    exitWatcher,
    health,
    restarts,
    requeue: (allocId, delayMs) => queue.enqueueAfter(allocId, delayMs),
    ...(images ? { images } : {}),
  });
  const queue: ReconcileQueue = new ReconcileQueue((allocId) => reconciler.reconcile(allocId), {
    concurrency: config.concurrency ?? 32,
    onError: (allocId, error) => logger.warn({ err: error, allocId }, 'reconcile failed; the next resync tries again'),
  });

  let caughtUp = false;
  let closing = false;
  const onEvent = (event: RecordedEvent): void => {
    const allocId = desired.apply(event);
    if (allocId && event.type === 'AllocationExited') learnRestart(restarts, allocId, event);
    if (allocId && caughtUp) queue.enqueue(allocId);
  };
  const filter = { streamPrefixes: [streamName('alloc', nodeId)] };

  let subscription: Subscription;
  const subscribe = async (fromPosition: number | 'start'): Promise<void> => {
    subscription = await eventStore.subscribeToAll(onEvent, { fromPosition, filter });
    const current = subscription;
    current.closed.catch((error: unknown) => {
      if (closing) return;
      logger.warn({ err: error, position: current.position }, 'allocation subscription ended; subscribing again');
      setTimeout(() => void resubscribe(current.position), 500);
    });
  };
  const resubscribe = async (position: number): Promise<void> => {
    for (let wait = 250; !closing; wait = Math.min(wait * 2, 2_000)) {
      try {
        await subscribe(position);
        return;
      } catch (error) {
        logger.warn({ err: error, retryInMs: wait }, 'cannot subscribe to the allocation streams yet');
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };

  await subscribe('start');
  await subscription!.caughtUp(await eventStore.lastPosition());
  caughtUp = true;
  logger.info({ nodeId, runtimes: monitor.offered(), position: subscription!.position }, 'replayed this node\'s allocations; converging');

  let resyncing: Promise<void> | undefined;
  const resyncOnce = async (): Promise<void> => {
    await monitor.probe();
    const keys = new Set<string>();
    for (const [allocId, state] of desired.entries()) {
      if (shouldRun(state) || (state.desired === 'stop' && !terminalAllocationStatuses.has(state.status))) keys.add(allocId);
    }
    for (const runtime of monitor.answering()) {
      const name = runtime.name;
      try {
        for (const container of await runtime.list({ labels: { [ContainerLabels.node]: nodeId } })) {
          const allocId = container.labels[ContainerLabels.alloc];
          const wanted = allocId ? desired.get(allocId)?.placement.spec.runtime : undefined;
          if (allocId && container.name === containerNameOf(allocId) && (wanted === undefined || wanted === name)) {
            keys.add(allocId);
          } else {
            logger.info({ container: container.id, name: container.name, runtime: name }, 'removing a stray container labelled with this node');
            await runtime.remove(container.id);
          }
        }
      } catch (error) {
        logger.warn({ err: error, runtime: name }, 'cannot list the containers of this node; converging from the log alone');
      }
    }
    for (const key of keys) queue.enqueue(key);
  };
  const resync = (): Promise<void> => (resyncing ??= resyncOnce().finally(() => (resyncing = undefined)));
  monitor.onChange(() => {
    registrar.update(facts());
    if (!closing) void resync();
  });
  const timer = setInterval(() => void resync(), config.reconcileMs);
  await resync();

  return {
    nodeId,
    get runtimes() {
      return monitor.offered();
    },
    desired,
    registered: () => registrar.whenRegistered(),
    resync: async () => {
      await resync();
      await queue.idle();
    },
    close: async () => {
      closing = true;
      clearInterval(timer);
      exitWatcher.close();
      health.close();
      await registrar.close();
      await subscription.close();
      await resyncing;
      await queue.close();
      await reporter.close();
      logger.info({ nodeId }, 'agent stopped; containers left running');
    },
  };
}

/**
 * Tells the restart tracker of a restart the log holds (an `AllocationExited` with `willRestart`),
 * keyed by the command id of the report that wrote it, so an agent restarted in the middle of a
 * crash loop keeps counting; its own reports' exits are known to the tracker already.
 */
function learnRestart(restarts: RestartTracker, allocId: string, event: RecordedEvent): void {
  const data = event.data as EventDataOf<typeof AllocationExited>;
  const key = event.metadata['commandId'];
  if (!data.willRestart || !key) return;
  restarts.learn(allocId, key, event.created.getTime(), data);
}
