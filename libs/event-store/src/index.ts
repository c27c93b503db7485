export * from './event-store.port.js';
export { InMemoryEventStore } from './in-memory.event-store.js';
export { JetStreamEventStore, EventTypeHeader, type JetStreamEventStoreOptions } from './jetstream.event-store.js';
export { passesFilter, streamUnder } from './event-filter.js';
