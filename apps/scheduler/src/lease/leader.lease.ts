import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Subjects } from '@plato/contracts';
import { createLogger, type Logger } from '@plato/messaging';

/** JetStream's "wrong last sequence": a compare-and-set on the lease key lost. */
const wrongLastSequence = 10071;

/** What the lease key holds: who leads, and for how long each write of theirs holds. */
export interface LeaseRecord {
  /** The instance name of the holder. */
  readonly holder: string;
  /** How long one write holds the lease, in the holder's reckoning (ms). */
  readonly leaseMs: number;
  /** Wall-clock time of the write, for people; no decision reads it. */
  readonly writtenAt: string;
}

/** Options of {@link LeaderLease}. */
export interface LeaderLeaseOptions {
  /** A bucket whose `ttl` (max_age) is the lease, as {@link LeaderLease.openBucket} makes. */
  kv: KV;
  /** This process's name, written into the key; unique per process. */
  holder: string;
  /** How long one acquisition or renewal holds the lease (ms). */
  leaseMs: number;
  /** The key in the bucket (default `scheduler`). */
  key?: string;
  /**
   * How long before its deadline the holder stops acting (ms; default a tenth of the lease, at
   * least 50): room for timer lateness and clock-rate drift.
   */
  guardMs?: number;
  /** How often a follower reads the key (ms; default a tenth of the lease, 25..500). */
  pollMs?: number;
  /** A monotonic clock in ms (default `performance.now`). */
  clock?: () => number;
  /** Called on every change of {@link LeaderLease.isLeader}, in order. */
  onChange?: (leading: boolean) => void;
  logger?: Logger;
}

/** Options of {@link LeaderLease.stop}. */
export interface StopLeaseOptions {
  /**
   * Delete the key if this process still holds it (default true), so a follower takes over at
   * its next poll. False leaves the key to expire, as a crash would.
   */
  release?: boolean;
}

/**
 * One process's side of the scheduler's leader election over a JetStream KV key.
 *
 * - Acquire: `create(key)` succeeds only when the key is absent (never written, expired by the
 *   bucket's max_age, or deleted). Take over: `update(key, revision)` on a revision this follower
 *   has seen unchanged for a whole lease on its own monotonic clock.
 * - Renew: `update(key, lastRevision)` every lease/3. A write sent at local time `t` makes the
 *   holder's deadline `t + lease`: the key cannot expire, nor can a follower have watched that
 *   revision for a lease, before then.
 * - The holder leads only while `now < deadline − guard` ({@link isLeader}), whether or not a
 *   renewal is in flight; a renewal refused by compare-and-set ends leadership at once.
 *
 * No watch is used: on nats-server 2.10 an expiry sends no watch event, so followers poll.
 * See the app's README for the guarantee and its limits.
 */
export class LeaderLease {
  private readonly key: string;
  private readonly leaseMs: number;
  private readonly guardMs: number;
  private readonly pollMs: number;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private revision: number | undefined;
  private deadline = 0;
  private seen: { revision: number; since: number; leaseMs: number } | undefined;
  private reported = false;
  private running = false;
  private loop: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaderLeaseOptions) {
    this.key = options.key ?? 'scheduler';
    this.leaseMs = options.leaseMs;
    this.guardMs = options.guardMs ?? Math.max(50, Math.floor(options.leaseMs / 10));
    this.pollMs = options.pollMs ?? Math.min(500, Math.max(25, Math.floor(options.leaseMs / 10)));
    this.clock = options.clock ?? (() => performance.now());
    this.logger = options.logger ?? createLogger('leader-lease');
    if (this.guardMs * 2 >= this.leaseMs) throw new Error(`lease of ${this.leaseMs} ms is too short for a guard of ${this.guardMs} ms`);
  }

  /**
   * Opens (creating if missing) the lease bucket with `ttl` = `leaseMs` and history 1. An existing
   * bucket keeps its own ttl; `ttlMs` is what it has (0 = none), and a lease must not be longer.
   */
  static async openBucket(nc: NatsConnection, leaseMs: number, bucket: string = Subjects.schedulerLeaseBucket): Promise<{ kv: KV; ttlMs: number }> {
    const kv = await new Kvm(nc).create(bucket, { ttl: leaseMs, history: 1 });
    const status = await kv.status();
    return { kv, ttlMs: status.ttl };
  }

  /**
   * Opens the bucket and makes a lease on it whose duration is `leaseMs` cut to the bucket's ttl
   * (a bucket made earlier with a shorter ttl would let the key expire before the deadline).
   */
  static async open(nc: NatsConnection, options: Omit<LeaderLeaseOptions, 'kv'> & { bucket?: string }): Promise<LeaderLease> {
    const { bucket, ...rest } = options;
    const { kv, ttlMs } = await LeaderLease.openBucket(nc, options.leaseMs, bucket);
    return new LeaderLease({ ...rest, kv, leaseMs: LeaderLease.effectiveLeaseMs(options.leaseMs, ttlMs) });
  }

  /** The lease a process may use on a bucket: its wish, cut to the bucket's ttl if that is shorter. */
  static effectiveLeaseMs(wantedMs: number, bucketTtlMs: number): number {
    return bucketTtlMs > 0 ? Math.min(wantedMs, bucketTtlMs) : wantedMs;
  }

  /** This process's instance name. */
  get holder(): string {
    return this.options.holder;
  }

  /** How long one write holds the lease (ms). */
  get durationMs(): number {
    return this.leaseMs;
  }

  /** True while this process holds the lease with more than the guard time left. */
  isLeader(): boolean {
    return this.revision !== undefined && this.clock() < this.deadline - this.guardMs;
  }

  /** Milliseconds of leadership left (0 when not leading). */
  remainingMs(): number {
    return this.isLeader() ? this.deadline - this.guardMs - this.clock() : 0;
  }

  /** Starts competing for the lease: tries at once, then renews or polls. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /**
   * Stops competing. Leadership ends before anything is sent; with `release` (the default) the
   * key is then deleted if this process still holds it (compare-and-set on its revision).
   */
  async stop(options: StopLeaseOptions = {}): Promise<void> {
    this.running = false;
    clearTimeout(this.loop);
    clearTimeout(this.watchdog);
    await this.inFlight;
    const revision = this.revision;
    this.revision = undefined;
    this.report();
    if (revision === undefined || options.release === false) return;
    try {
      await this.options.kv.delete(this.key, { previousSeq: revision });
      this.logger.info({ holder: this.holder, revision }, 'released the scheduler lease');
    } catch (error) {
      this.logger.debug({ err: error }, 'lease not released (no longer ours or NATS unreachable)');
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.loop);
    this.loop = setTimeout(() => {
      this.inFlight = this.step().finally(() => this.schedule(this.revision !== undefined ? Math.floor(this.leaseMs / 3) : this.pollMs));
    }, delayMs);
  }

  private async step(): Promise<void> {
    try {
      if (this.revision !== undefined) await this.renew(this.revision);
      else await this.contend();
    } catch (error) {
      this.logger.warn({ err: error }, 'lease step failed; retrying');
    }
  }

  private async renew(revision: number): Promise<void> {
    const sentAt = this.clock();
    try {
      const next = await this.options.kv.update(this.key, this.record(), revision);
      if (!this.running) return this.release(next);
      this.hold(next, sentAt);
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
      this.logger.warn({ holder: this.holder, revision }, 'lost the scheduler lease: another process took it');
      this.revision = undefined;
      clearTimeout(this.watchdog);
      this.report();
    }
  }

  private async contend(): Promise<void> {
    const entry = await this.options.kv.get(this.key);
    const now = this.clock();
    if (!entry || entry.operation !== 'PUT') {
      await this.acquire(() => this.options.kv.create(this.key, this.record()), 'acquired');
      return;
    }
    if (this.seen?.revision !== entry.revision) {
      this.seen = { revision: entry.revision, since: now, leaseMs: Math.max(this.leaseMs, leaseOf(entry.string())) };
      return;
    }
    if (now - this.seen.since < this.seen.leaseMs) return;
    const stale = this.seen.revision;
    await this.acquire(() => this.options.kv.update(this.key, this.record(), stale), 'took over');
  }

  private async acquire(write: () => Promise<number>, how: string): Promise<void> {
    const sentAt = this.clock();
    let revision: number;
    try {
      revision = await write();
    } catch (error) {
      if (isWrongLastSequence(error)) return;
      throw error;
    }
    this.seen = undefined;
    if (!this.running) return this.release(revision);
    this.logger.info({ holder: this.holder, revision, leaseMs: this.leaseMs }, `${how} the scheduler lease`);
    this.hold(revision, sentAt);
  }

  private hold(revision: number, sentAt: number): void {
    this.revision = revision;
    this.deadline = sentAt + this.leaseMs;
    clearTimeout(this.watchdog);
    const left = this.deadline - this.guardMs - this.clock();
    if (left > 0) this.watchdog = setTimeout(() => this.expire(revision), left);
    this.report();
  }

  private expire(revision: number): void {
    if (this.revision !== revision) return;
    if (this.isLeader()) {
      this.watchdog = setTimeout(() => this.expire(revision), Math.max(1, this.remainingMs()));
      return;
    }
    this.logger.warn({ holder: this.holder, revision }, 'scheduler lease not renewed in time; stepping down');
    this.report();
  }

  private async release(revision: number): Promise<void> {
    await this.options.kv.delete(this.key, { previousSeq: revision }).catch(() => undefined);
  }

  private record(): string {
    const record: LeaseRecord = { holder: this.holder, leaseMs: this.leaseMs, writtenAt: new Date().toISOString() };
    return JSON.stringify(record);
  }

  private report(): void {
    const leading = this.isLeader();
    if (leading === this.reported) return;
    this.reported = leading;
    this.options.onChange?.(leading);
  }
}

function isWrongLastSequence(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === wrongLastSequence;
}

function leaseOf(text: string): number {
  try {
    const value = (JSON.parse(text) as Partial<LeaseRecord>).leaseMs;
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}
