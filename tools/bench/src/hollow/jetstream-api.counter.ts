import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/**
 * Counts the JetStream API requests every client of the server makes (a core subscription on
 * `$JS.API.>` receives a copy of each), by kind (`CONSUMER.CREATE`, `DIRECT.GET`, `STREAM.INFO`…),
 * and the appends (publishes on the event subjects). Snapshots between phases show how many round
 * trips to JetStream one placement or one report costs.
 */
export class JetStreamApiCounter {
  private readonly counts = new Map<string, number>();
  private readonly subs: Subscription[] = [];

  constructor(private readonly nc: NatsConnection, private readonly eventSubjects = 'plato.ev.>') {}

  /** Starts counting. */
  start(): void {
    const bump = (kind: string): void => void this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.subs.push(
      this.nc.subscribe('$JS.API.>', {
        callback: (_err, msg) => {
          const t = msg.subject.split('.');
          bump(t[2] === 'CONSUMER' && t[3] === 'MSG' ? 'CONSUMER.MSG.NEXT (pull)' : `${t[2]}.${t[3]}`);
        },
      }),
      this.nc.subscribe(this.eventSubjects, { callback: () => void bump('append (publish on plato.ev.>)') }),
    );
  }

  /** The counts so far, by kind. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** What happened between two snapshots, by kind. */
  static between(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
    return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]).filter(([, v]) => (v as number) > 0));
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}
