import type { KV } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@plato/messaging';
import { NatsServerProcess, eventually } from '@plato/testing';
import { LeaderLease } from '../src/lease/leader.lease.js';

const leaseMs = 1_500;
const logger = createLogger('leader-lease-test');

/** Samples every lease's isLeader() together and remembers any moment when more than one led. */
class OverlapSampler {
  overlaps = 0;
  samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly leases: () => LeaderLease[]) {
    this.timer = setInterval(() => this.sample(), 2);
  }

  sample(): void {
    this.samples += 1;
    if (this.leases().filter((l) => l.isLeader()).length > 1) this.overlaps += 1;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A KV whose writes can be made to hang, as if this client were cut off from NATS. */
function partitionable(kv: KV): { kv: KV; cut(): void; heal(): void } {
  let cut = false;
  const hanging: ((error: Error) => void)[] = [];
  const proxy = new Proxy(kv, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (cut) return new Promise((_, reject) => hanging.push(reject));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    kv: proxy,
    cut: () => {
      cut = true;
    },
    heal: () => {
      cut = false;
      for (const reject of hanging.splice(0)) reject(new Error('partition healed'));
    },
  };
}

describe('LeaderLease on a real nats-server', () => {
  let nats: NatsServerProcess;
  const connections: NatsConnection[] = [];
  const leases: LeaderLease[] = [];
  let sampler: OverlapSampler;
  let bucket = 0;

  const connection = async () => {
    const nc = await connect({ servers: nats.url });
    connections.push(nc);
    return nc;
  };

  const contender = async (holder: string, name: string, onChange?: (leading: boolean) => void) => {
    const lease = await LeaderLease.open(await connection(), { holder, leaseMs, bucket: name, logger, ...(onChange ? { onChange } : {}) });
    leases.push(lease);
    return lease;
  };

  beforeAll(async () => {
    nats = await NatsServerProcess.start();
  });

  beforeEach(() => {
    bucket += 1;
    leases.length = 0;
    sampler = new OverlapSampler(() => leases);
  });

  afterEach(async () => {
    sampler.stop();
    await Promise.all(leases.map((l) => l.stop({ release: false })));
  });

  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await nats?.stop();
  });

  it('lets exactly one of two contenders lead, and keeps it leading while it renews', async () => {
    const name = `LEASE_${bucket}`;
    const a = await contender('a', name);
    const b = await contender('b', name);
    a.start();
    b.start();
    const leader = await eventually(
      () => {
        const found = leases.find((l) => l.isLeader());
        if (!found) throw new Error('nobody leads');
        return found;
      },
      { description: 'a leader' },
    );
    const follower = leader === a ? b : a;
    const { kv } = await LeaderLease.openBucket(connections[0]!, leaseMs, name);
    const first = (await kv.get('scheduler'))!.revision;
    await eventually(async () => (await kv.get('scheduler'))!.revision >= first + 4, { timeoutMs: 5 * leaseMs, description: 'four renewals' });

    expect(leader.isLeader()).toBe(true);
    expect(follower.isLeader()).toBe(false);
    expect((await kv.get('scheduler'))!.json<{ holder: string }>().holder).toBe(leader.holder);
    expect(sampler.overlaps).toBe(0);
  });

  it('hands over to the follower within about a lease when the leader crashes', async () => {
    const name = `LEASE_${bucket}`;
    const a = await contender('a', name);
    a.start();
    await eventually(() => a.isLeader(), { description: 'a to lead' });
    const b = await contender('b', name);
    b.start();

    await a.stop({ release: false });
    const crashedAt = performance.now();
    await eventually(() => b.isLeader(), { timeoutMs: 3 * leaseMs, intervalMs: 5, description: 'b to take over' });
    const takeoverMs = performance.now() - crashedAt;

    logger.warn({ leaseMs, takeoverMs: Math.round(takeoverMs) }, 'takeover after a crash');
    expect(takeoverMs).toBeLessThan(leaseMs + 600);
    expect(sampler.overlaps).toBe(0);
  });

  it('steps a cut-off leader down before the follower takes over', async () => {
    const name = `LEASE_${bucket}`;
    const changes: { who: string; leading: boolean; at: number }[] = [];
    const nc = await connection();
    const { kv } = await LeaderLease.openBucket(nc, leaseMs, name);
    const link = partitionable(kv);
    const a = new LeaderLease({ kv: link.kv, holder: 'a', leaseMs, logger, onChange: (leading) => changes.push({ who: 'a', leading, at: performance.now() }) });
    leases.push(a);
    a.start();
    await eventually(() => a.isLeader(), { description: 'a to lead' });
    const b = await contender('b', name, (leading) => changes.push({ who: 'b', leading, at: performance.now() }));
    b.start();

    link.cut();
    await eventually(() => b.isLeader(), { timeoutMs: 3 * leaseMs, intervalMs: 5, description: 'b to take over' });
    link.heal();
    await eventually(() => changes.some((c) => c.who === 'a' && !c.leading), { description: 'a to report stepping down' });

    const steppedDown = changes.find((c) => c.who === 'a' && !c.leading)!.at;
    const tookOver = changes.find((c) => c.who === 'b' && c.leading)!.at;
    logger.warn({ gapMs: Math.round(tookOver - steppedDown) }, 'between the cut-off leader stepping down and the takeover');
    expect(tookOver).toBeGreaterThan(steppedDown);
    expect(sampler.overlaps).toBe(0);
    await eventually(() => !a.isLeader(), { description: 'a to stay a follower after the heal' });
  });

  it('hands over at the next poll when the leader stops gracefully', async () => {
    const name = `LEASE_${bucket}`;
    const a = await contender('a', name);
    a.start();
    await eventually(() => a.isLeader(), { description: 'a to lead' });
    const b = await contender('b', name);
    b.start();

    await a.stop();
    const releasedAt = performance.now();
    await eventually(() => b.isLeader(), { timeoutMs: leaseMs, intervalMs: 5, description: 'b to take over' });
    const handoverMs = performance.now() - releasedAt;

    logger.warn({ handoverMs: Math.round(handoverMs) }, 'handover after a graceful stop');
    expect(handoverMs).toBeLessThan(leaseMs / 2);
    expect(sampler.overlaps).toBe(0);
  });

  it('never uses a lease longer than the bucket ttl', () => {
    expect(LeaderLease.effectiveLeaseMs(3_000, 1_500)).toBe(1_500);
    expect(LeaderLease.effectiveLeaseMs(3_000, 10_000)).toBe(3_000);
    expect(LeaderLease.effectiveLeaseMs(3_000, 0)).toBe(3_000);
  });
});
