import 'reflect-metadata';
import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, createLogger } from '@plato/messaging';
import { startStateServer } from './state-server.bootstrap.js';

const logger = createLogger('state-server');

async function main(): Promise<void> {
  const nc = await connectNats({ name: 'plato-state-server', logger, waitOnFirstConnect: true });
  const eventStore = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
  const server = await startStateServer({ nc, eventStore, logger });
  logger.info({ server: nc.getServer() }, 'state-server ready');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'state-server stopping');
    try {
      await server.close();
      await eventStore.close();
      await nc.drain();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'state-server did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'state-server failed to start');
  process.exit(1);
});
