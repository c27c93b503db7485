import { ContractViolation, platoEvents } from '@plato/contracts';
import { JetStreamEventStore, type RecordedEvent } from '@plato/event-store';
import type { CliContext } from '../cli.context.js';
import { summarize } from './query.commands.js';

/**
 * `plato events [--since POSITION] [--stream PREFIX] [--follow]`: the log's events (the last 50
 * unless `--since` says where to start), then, with `--follow`, every new one until Ctrl-C.
 */
export async function eventsCommand(context: CliContext, args: string[]): Promise<number> {
  if (args.length > 0) throw new ContractViolation('plato events', [{ path: '', message: 'usage: plato events [--since N] [--stream PREFIX] [--follow]' }]);
  const store = await JetStreamEventStore.connect(await context.connect(), { catalog: platoEvents });
  const { since, stream, follow } = context.options;
  const filter = stream ? { streams: [stream], streamPrefixes: [stream] } : undefined;
  const last = await store.lastPosition();
  const from = since ?? Math.max(0, last - 50);
  const print = (event: RecordedEvent) =>
    context.print(
      context.options.output === 'json'
        ? `${JSON.stringify(event)}\n`
        : `${String(event.position).padStart(6)}  ${event.created.toISOString()}  ${event.stream.padEnd(40)}  ${event.type.padEnd(28)}  ${summarize(event)}\n`,
    );
  if (!follow) {
    for await (const event of store.readAll({ fromPosition: from + 1, ...(filter ? { filter } : {}) })) print(event);
    return 0;
  }
  const subscription = await store.subscribeToAll(print, { fromPosition: from, ...(filter ? { filter } : {}) });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    subscription.closed.then(resolve, resolve);
  });
  await subscription.close();
  return 0;
}
