import { newRunId } from '@plato/testing';
import { InMemoryEventStore } from '../src/index.js';
import { eventStoreContract, testCatalog } from './event-store.contract.js';

eventStoreContract('in-memory (fake)', async () => ({
  store: new InMemoryEventStore(testCatalog),
  prefix: newRunId('t'),
  dispose: async () => undefined,
}));
