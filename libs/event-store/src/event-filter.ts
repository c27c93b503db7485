import type { EventFilter } from './event-store.port.js';

/** True when `stream` lies strictly under `prefix` (`alloc.n1` covers `alloc.n1.a7`, not itself). */
export function streamUnder(stream: string, prefix: string): boolean {
  return stream.startsWith(`${prefix}.`);
}

/** Whether an event of `type` in `stream` passes `filter` (see {@link EventFilter}). */
export function passesFilter(filter: EventFilter | undefined, stream: string, type: string): boolean {
  if (!filter) return true;
  const { streams, streamPrefixes, eventTypes } = filter;
  if (streams?.length || streamPrefixes?.length) {
    const selected = (streams?.includes(stream) ?? false) || (streamPrefixes?.some((prefix) => streamUnder(stream, prefix)) ?? false);
    if (!selected) return false;
  }
  if (eventTypes?.length && !eventTypes.includes(type)) return false;
  return true;
}
