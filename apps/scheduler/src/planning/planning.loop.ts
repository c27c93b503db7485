import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, PlatoError, SubmitPlan, type RequestOf } from '@plato/contracts';
import { ClusterProjection, allocationIdOf } from '@plato/domain';
import type { EventStore, Subscription } from '@plato/event-store';
import { createLogger, request, type Logger } from '@plato/messaging';
import { plan, type Plan } from '@plato/scheduling';
import { allocationIdFactory } from './allocation-id.factory.js';
import { planParts, unplacedSignature, worthSubmitting, type BlockageView } from './plan-submission.policy.js';
import { changesPlanningInput } from './plan-trigger.policy.js';

/** Parts of one plan sent to the state-server and not yet answered, at most. */
const partsInFlight = 2;

/** Tells whether this process may act as the scheduler now. */
export interface Leadership {
  isLeader(): boolean;
}

/** Options of {@link PlanningLoop}. */
export interface PlanningLoopOptions {
  /** Plans are submitted on this connection. */
  nc: NatsConnection;
  /** The log the projection folds. */
  eventStore: EventStore;
  /** Asked before every plan and again right before it is sent. */
  leadership: Leadership;
  /** Names this process in command ids and logs. */
  instance: string;
  /** Delay between an event and the plan it triggers, so that a burst gives one plan (ms). */
  debounceMs: number;
  /** The leader also plans this often (ms). */
  tickMs: number;
  /** How long to wait for the state-server's answer to a plan (ms; default 5 000). */
  submitTimeoutMs?: number;
  /** Stops and placements sent in one request at most; a larger plan is sent in several parts (default 2 000). */
  maxPlanChanges?: number;
  /** Wall-clock time for `plan()`'s `now` (default `Date.now`). */
  now?: () => number;
  /** 8 random hex digits, for allocation and command ids (default from node:crypto). */
  randomHex?: () => string;
  logger?: Logger;
}

/** What a loop has done, for logs and tests. */
export interface PlanningStats {
  /** Plans the state-server applied. */
  readonly applied: number;
  /** Plans it refused with CONFLICT. */
  readonly conflicts: number;
  /** Allocations placed by applied plans. */
  readonly placed: number;
}

/**
 * The scheduler's work: folds the whole log into a {@link ClusterProjection} (leader or not, so
 * a new leader starts warm) and, while {@link Leadership.isLeader}, turns its snapshot into a
 * plan with `plan()` and submits it with `SubmitPlan`.
 *
 * - Planning runs after events that can change a plan (debounced; see {@link changesPlanningInput};
 *   while a node drains, after every allocation change, and after every change of an allocation
 *   of a deployment rolling out, since a replacement that starts serving lets the drain or the
 *   rollout move the next), when a reschedule delay, a drain deadline or a rollout's wake time
 *   (`Plan.wakeAt`) is due, on a periodic tick, and when leadership is gained;
 *   one pass at a time, so at most one plan is in flight. A plan larger than one request is sent
 *   as several parts ({@link planParts}), back to back, without planning again between them.
 * - It never plans from a projection behind what it knows the log holds: at start it waits for
 *   the log's last position, after an applied plan for the plan's position, after a CONFLICT for
 *   the log's position then (and backs off when the conflicts repeat or the log did not move).
 * - A plan is sent only if it places or stops something or changes a recorded blockage.
 */
export class PlanningLoop {
  /** The read model plans are computed from. */
  readonly projection = new ClusterProjection();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly randomHex: () => string;
  private subscription: Subscription | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  private wake: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private waitFor = 0;
  private behind = false;
  private notBefore = 0;
  private repeatedConflicts = 0;
  private lastSent: string | undefined;
  private counts = { applied: 0, conflicts: 0, placed: 0 };

  constructor(private readonly options: PlanningLoopOptions) {
    this.logger = options.logger ?? createLogger('scheduler');
    this.now = options.now ?? Date.now;
    this.randomHex = options.randomHex ?? (() => randomBytes(4).toString('hex'));
  }

  /** What the loop has done so far. */
  get stats(): PlanningStats {
    return { ...this.counts };
  }

  /** Subscribes to the log from its start and begins the periodic tick. */
  async start(): Promise<void> {
    this.waitFor = await this.options.eventStore.lastPosition();
    this.subscription = await this.options.eventStore.subscribeToAll(
      (event) => {
        const allocation = allocationIdOf(event.stream)?.allocId;
        const before = allocation === undefined ? undefined : this.projection.allocation(allocation);
        this.projection.apply(event);
        const caughtUp = this.behind && this.projection.position >= this.waitFor;
        if (caughtUp) this.behind = false;
        const after = allocation === undefined ? undefined : this.projection.allocation(allocation);
        if (!caughtUp && allocation !== undefined && !changesPlanningInput(before, after) && !this.projection.anyDraining && !(after && this.projection.rollingOut(after.placement.namespace, after.placement.deployment))) {
          return;
        }
        if (this.options.leadership.isLeader()) this.trigger(this.options.debounceMs);
      },
      { fromPosition: 'start' },
    );
    this.ticker = setInterval(() => this.trigger(0), this.options.tickMs);
  }

  /** Tells the loop leadership changed; gaining it plans at once. */
  leadershipChanged(leading: boolean): void {
    if (leading) this.trigger(0);
  }

  /** Stops planning, waits for a plan in flight to be answered, and closes the subscription. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.pending);
    clearTimeout(this.wake);
    await this.passing;
    await this.subscription?.close();
  }

  private trigger(delayMs: number): void {
    if (this.stopped || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.pass();
    }, delayMs);
  }

  private pass(): void {
    if (this.passing) {
      this.again = true;
      return;
    }
    this.passing = this.planOnce()
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'planning failed');
        this.holdOff(1_000);
      })
      .finally(() => {
        this.passing = undefined;
        if (this.again) {
          this.again = false;
          this.trigger(0);
        }
      });
  }

  private async planOnce(): Promise<void> {
    if (this.stopped || !this.options.leadership.isLeader()) return;
    const wait = this.notBefore - performance.now();
    if (wait > 0) {
      this.trigger(Math.ceil(wait));
      return;
    }
    if (this.projection.position < this.waitFor) {
      this.behind = true;
      return;
    }
    const snapshot = this.projection.snapshot();
    const taken = new Set(snapshot.allocations.map((a) => a.id));
    const now = this.now();
    const result = plan(snapshot, { now, newId: allocationIdFactory(taken, this.randomHex) });
    this.wakeForDelayed(result, now);
    if (!worthSubmitting(result, this.blockages(snapshot.deployments), this.lastSent)) return;
    await this.submitParts(planParts(result, this.options.maxPlanChanges ?? 2_000));
  }

  /**
   * Sends the parts of one plan in order, the next while the state-server still applies the one
   * before (at most {@link partsInFlight} unanswered), so that it never waits for a pass of the
   * scheduler between them; stops sending after a part that was not applied.
   */
  private async submitParts(parts: readonly Plan[]): Promise<void> {
    const inFlight = new Set<Promise<boolean>>();
    let failed = false;
    for (const part of parts) {
      if (failed || this.stopped || !this.options.leadership.isLeader()) break;
      const sent: Promise<boolean> = this.submit(part).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      if (inFlight.size >= partsInFlight) failed = !(await Promise.race(inFlight));
    }
    const answers = await Promise.all(inFlight);
    if (failed || answers.includes(false)) this.again = true;
  }

  private async submit(result: Plan): Promise<boolean> {
    const commandId = `plan-${result.basedOn}-${this.randomHex()}`;
    const summary = { basedOn: result.basedOn, placements: result.placements.length, stops: result.stops.length, unplaced: result.unplaced.length };
    try {
      const reply = await request(this.options.nc, SubmitPlan, { commandId, plan: payloadOf(result) }, { timeoutMs: this.options.submitTimeoutMs ?? 5_000 });
      this.waitFor = Math.max(this.waitFor, reply.position);
      this.repeatedConflicts = 0;
      this.lastSent = unplacedSignature(result.unplaced, result.degraded, result.rollouts);
      this.counts.applied += 1;
      this.counts.placed += reply.placed;
      this.logger.info({ ...summary, commandId, position: reply.position, placed: reply.placed, stopped: reply.stopped }, 'plan applied');
      return true;
    } catch (error) {
      if (error instanceof PlatoError && error.code === ErrorCode.Conflict) {
        this.counts.conflicts += 1;
        this.repeatedConflicts += 1;
        const logPosition = await this.options.eventStore.lastPosition();
        this.waitFor = Math.max(this.waitFor, logPosition);
        if (this.repeatedConflicts > 1 || logPosition <= result.basedOn) this.holdOff(Math.min(2_000, 50 * 2 ** (this.repeatedConflicts - 1)));
        this.logger.warn({ ...summary, commandId, logPosition, reason: error.message }, 'plan refused as stale; planning again');
        return false;
      }
      if (error instanceof PlatoError && error.code === ErrorCode.Unavailable) {
        this.logger.warn({ ...summary, commandId, reason: error.message }, 'plan not answered; planning again');
        this.waitFor = Math.max(this.waitFor, await this.options.eventStore.lastPosition().catch(() => this.waitFor));
        this.holdOff(500);
        return false;
      }
      throw error;
    }
  }

  /**
   * Plans again when the first replacement held back by its reschedule delay is due, a drain's
   * deadline passes, or a rollout's verdict changes with time (a replica reaching min_healthy_time,
   * a deadline).
   */
  private wakeForDelayed(result: Plan, now: number): void {
    const deadlines = this.projection.drains().flatMap((drain) => (drain.deadline !== undefined && drain.deadline > now ? [drain.deadline] : []));
    if (result.wakeAt !== undefined) deadlines.push(result.wakeAt);
    if (result.delayed.length === 0 && deadlines.length === 0) return;
    const due = Math.min(...result.delayed.map((slot) => slot.until), ...deadlines);
    clearTimeout(this.wake);
    this.wake = setTimeout(() => this.trigger(0), Math.max(0, due - now) + 1);
  }

  private holdOff(ms: number): void {
    this.notBefore = performance.now() + ms;
  }

  private blockages(deployments: readonly { namespace: string; name: string; deleted: boolean }[]): BlockageView {
    return {
      deployments: deployments.filter((d) => !d.deleted).map((d) => [d.namespace, d.name] as const),
      blockage: (namespace, name) => this.projection.placementOf(namespace, name),
      degraded: (namespace, name) => this.projection.degradedOf(namespace, name),
    };
  }
}

function payloadOf(result: Plan): RequestOf<typeof SubmitPlan>['plan'] {
  return {
    basedOn: result.basedOn,
    createdAt: result.createdAt,
    placements: result.placements.map((p) => ({ ...p, resources: { ...p.resources } })),
    stops: result.stops.map((s) => ({ ...s })),
    unplaced: result.unplaced.map((u) => ({ ...u, reasons: u.reasons.map((r) => ({ ...r })) })),
    recoveries: result.recoveries.map((r) => ({ ...r })),
    degraded: result.degraded.map((d) => ({ ...d, failing: [...d.failing], givenUp: [...d.givenUp] })),
    rollouts: result.rollouts.map((r) => ({ ...r })),
  };
}
