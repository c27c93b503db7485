import 'reflect-metadata';
import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, createLogger } from '@plato/messaging';
import { startGateway } from './gateway.bootstrap.js';
import { gatewayConfigFromEnv } from './gateway.config.js';

const logger = createLogger('gateway');

async function main(): Promise<void> {
  const config = gatewayConfigFromEnv();
  const nc = await connectNats({ name: 'plato-gateway', servers: config.natsServers, logger, waitOnFirstConnect: true });
  const eventStore = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
  const gateway = await startGateway({ nc, eventStore, host: config.host, port: config.port, logger });
  logger.info({ url: gateway.url, nats: nc.getServer() }, 'gateway ready');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'gateway stopping');
    try {
      await gateway.close();
      await eventStore.close();
      await nc.drain();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'gateway did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
});
