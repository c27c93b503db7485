import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsServerProcess, newRunId } from '@plato/testing';
import { JetStreamEventStore } from '../src/index.js';
import { eventStoreContract, testCatalog } from './event-store.contract.js';

let server: NatsServerProcess;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsServerProcess.start();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

eventStoreContract('JetStream (real nats-server)', async () => {
  const store = await JetStreamEventStore.connect(nc, { catalog: testCatalog });
  return { store, prefix: newRunId('t'), dispose: () => store.close() };
});
