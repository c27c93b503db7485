import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, createLogger } from '@plato/messaging';
import { SchedulerConfig } from './config/scheduler.config.js';
import { startScheduler } from './scheduler.bootstrap.js';

const logger = createLogger('scheduler');

async function main(): Promise<void> {
  const config = SchedulerConfig.fromEnv();
  const nc = await connectNats({ name: `plato-scheduler-${config.instance}`, logger, waitOnFirstConnect: true });
  const eventStore = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
  const scheduler = await startScheduler({ nc, eventStore, config, logger });
  logger.info({ server: nc.getServer(), instance: config.instance, leaseMs: scheduler.lease.durationMs }, 'scheduler ready');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'scheduler stopping');
    try {
      await scheduler.close();
      await eventStore.close();
      await nc.drain();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'scheduler did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'scheduler failed to start');
  process.exit(1);
});
