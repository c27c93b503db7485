import { ContractViolation, streamTokenPattern, type EventCatalog } from '@plato/contracts';
import type { EventData, RecordedEvent } from './event-store.port.js';

/** One event as stored inside an append's message body. */
export interface StoredEvent {
  type: string;
  version: number;
  data: unknown;
  metadata?: Record<string, string>;
}

/**
 * Checks a stream name: dot-separated tokens of letters, digits, `_` and `-`
 * (`deployment.default.web`). Throws a ContractViolation naming the stream otherwise.
 */
export function checkStreamName(stream: string): void {
  const tokens = stream.split('.');
  if (!stream || tokens.some((token) => !streamTokenPattern.test(token))) {
    throw new ContractViolation('stream name', [
      { path: 'stream', message: `'${stream}' must be dot-separated tokens of letters, digits, '_' or '-'` },
    ]);
  }
}

/**
 * Validates every event of an append against the catalog (all before any is written) and returns
 * them as stored: type, the contract's version, the parsed data, metadata.
 */
export function prepareAppend(catalog: EventCatalog, stream: string, events: EventData[]): StoredEvent[] {
  checkStreamName(stream);
  if (events.length === 0) {
    throw new ContractViolation(`append to ${stream}`, [{ path: 'events', message: 'must hold at least one event' }]);
  }
  return events.map((event, index) => {
    try {
      const { version, data } = catalog.validate(event.type, event.data);
      return event.metadata ? { type: event.type, version, data, metadata: event.metadata } : { type: event.type, version, data };
    } catch (error) {
      if (error instanceof ContractViolation && events.length > 1) {
        throw new ContractViolation(
          error.subject,
          error.issues.map((issue) => ({ ...issue, path: `events[${index}]${issue.path ? `.${issue.path}` : ''}` })),
        );
      }
      throw error;
    }
  });
}

/** The recorded form of the events of one append. */
export function recordAppend(stream: string, position: number, created: Date, stored: StoredEvent[]): RecordedEvent[] {
  return stored.map((event, index) => ({
    stream,
    type: event.type,
    version: event.version,
    data: event.data,
    metadata: event.metadata ?? {},
    position,
    index,
    created,
  }));
}
