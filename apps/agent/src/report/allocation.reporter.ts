import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorCode, PlatoError, ReportAllocation, type AllocationReport, type RequestOf } from '@plato/contracts';
import { createLogger, request, type Logger } from '@plato/messaging';

/** One ReportAllocation command as the reporter sends it. */
export type ReportCommand = RequestOf<typeof ReportAllocation>;

/** Sends one report; rejects with a `PlatoError` (code `UNAVAILABLE` when nobody answered). */
export type ReportSender = (command: ReportCommand) => Promise<void>;

/** Options of {@link AllocationReporter}. */
export interface AllocationReporterOptions {
  /** First wait before sending again after `UNAVAILABLE` (default 250 ms, doubling up to 2 s). */
  retryMs?: number;
  /** Reports kept while the control plane is unreachable; the oldest are dropped beyond (default 10 000). */
  maxQueued?: number;
  /** Milliseconds to wait for each reply (default 5 000). */
  timeoutMs?: number;
  logger?: Logger;
}

const rememberedDelivered = 4096;

/** Sends reports as ReportAllocation requests on `nc`. */
export function natsReportSender(nc: NatsConnection, timeoutMs = 5_000): ReportSender {
  return async (command) => {
    await request(nc, ReportAllocation, command, { timeoutMs });
  };
}

/**
 * The agent's outbox of observations (started, exited, failed, stopped, health verdicts) and of the
 * steps it began (pulling, starting, stopping). `report` never waits for
 * the control plane: reports are sent in order in the background, and while no state-server
 * answers (`UNAVAILABLE`) the head is retried with backoff, so converging never blocks on NATS.
 *
 * Each report carries a command id the caller derives from the observation itself (the container
 * id and the time it started or exited), so a report queued twice is sent once, one sent again is
 * applied once by the state-server, and a report already delivered is not sent again. A report
 * the state-server refuses for another reason (not found, conflict) is logged and dropped.
 */
export class AllocationReporter {
  private readonly queue: ReportCommand[] = [];
  private readonly queuedIds = new Set<string>();
  private readonly delivered = new Set<string>();
  private readonly logger: Logger;
  private pumping: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private closed = false;
  private unreachableSince: number | undefined;

  constructor(
    private readonly nodeId: string,
    private readonly send: ReportSender,
    private readonly options: AllocationReporterOptions = {},
  ) {
    this.logger = options.logger ?? createLogger('agent-reporter');
  }

  /** Queues a report of `allocId` under `commandId` unless that one is queued or delivered already. */
  report(allocId: string, commandId: string, report: AllocationReport): void {
    if (this.closed || this.queuedIds.has(commandId) || this.delivered.has(commandId)) return;
    const max = this.options.maxQueued ?? 10_000;
    while (this.queue.length >= max) {
      const dropped = this.queue.shift()!;
      this.queuedIds.delete(dropped.commandId);
      this.logger.warn({ commandId: dropped.commandId }, 'report outbox full: dropped the oldest report');
    }
    this.queue.push({ commandId, nodeId: this.nodeId, allocId, report });
    this.queuedIds.add(commandId);
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
  }

  /** Reports not yet accepted by the control plane. */
  get pending(): number {
    return this.queue.length;
  }

  /** Stops sending; reports still queued are dropped (the next agent observes them again). */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.pumping;
  }

  private async pump(): Promise<void> {
    let backoff = this.options.retryMs ?? 250;
    while (!this.closed && this.queue.length > 0) {
      const head = this.queue[0]!;
      try {
        await this.send(head);
        this.logger.debug({ allocId: head.allocId, report: head.report }, 'reported');
        this.done(head);
        backoff = this.options.retryMs ?? 250;
        if (this.unreachableSince) {
          this.logger.info({ unreachableMs: Date.now() - this.unreachableSince, queued: this.queue.length }, 'control plane reachable again; sending queued reports');
          this.unreachableSince = undefined;
        }
      } catch (error) {
        if (error instanceof PlatoError && error.code !== ErrorCode.Unavailable) {
          this.logger.warn({ err: error, allocId: head.allocId, kind: head.report.kind }, 'report refused by the control plane; dropped');
          this.done(head);
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        if (!this.unreachableSince) {
          this.unreachableSince = Date.now();
          this.logger.warn({ reason: message, queued: this.queue.length }, 'control plane unreachable; reports wait in the outbox');
        } else {
          this.logger.debug({ reason: message, queued: this.queue.length, retryInMs: backoff }, 'control plane still unreachable');
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoff);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  private done(command: ReportCommand): void {
    if (this.queue[0] === command) this.queue.shift();
    this.queuedIds.delete(command.commandId);
    this.delivered.add(command.commandId);
    if (this.delivered.size > rememberedDelivered) {
      const oldest = this.delivered.values().next().value;
      if (oldest !== undefined) this.delivered.delete(oldest);
    }
  }
}
