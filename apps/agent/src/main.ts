import { platoEvents } from '@plato/contracts';
import { JetStreamEventStore } from '@plato/event-store';
import { connectNats, createLogger } from '@plato/messaging';
import { DockerRuntime, LxdRuntime } from '@plato/runtime';
import { startAgent } from './agent.bootstrap.js';
import { loadAgentConfig } from './config/agent.config.js';

const logger = createLogger('agent');

async function main(): Promise<void> {
  const config = loadAgentConfig();
  const lxd = new LxdRuntime({ socketPath: config.lxdSocket });
  const runtimes = [new DockerRuntime({ socketPath: config.dockerSocket }), lxd];
  const nc = await connectNats({ name: `plato-agent-${config.nodeId}`, servers: config.natsServers, logger, waitOnFirstConnect: true });
  const eventStore = await JetStreamEventStore.connect(nc, { catalog: platoEvents });
  const agent = await startAgent({ config, nc, eventStore, runtimes, logger });
  logger.info({ nodeId: config.nodeId, runtimes: agent.runtimes, server: nc.getServer() }, 'agent ready');

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'agent stopping (containers keep running)');
    try {
      await agent.close();
      await eventStore.close();
      await nc.drain();
      await lxd.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'agent did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}

main().catch((error: unknown) => {
  logger.fatal({ err: error }, 'agent failed to start');
  process.exit(1);
});
