/** One server-sent event as a test reads it. */
export interface ReceivedEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A live server-sent event stream read with fetch; `events` grows as events arrive. */
export interface EventStreamReader {
  readonly status: number;
  readonly contentType: string | null;
  readonly events: ReceivedEvent[];
  close(): Promise<void>;
}

/**
 * Opens `url` as a server-sent event stream and parses it in the background. Resolves once the
 * response headers arrived (the gateway sends them after it subscribed to the log).
 */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStreamReader> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: ReceivedEvent[] = [];
  const reading = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (event) events.push(event);
        }
      }
    } catch {
      return;
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

function parseBlock(block: string): ReceivedEvent | undefined {
  const event: ReceivedEvent = { data: '' };
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
    else if (field === 'data') {
      event.data = hasData ? `${event.data}\n${value}` : value;
      hasData = true;
    }
  }
  return hasData ? event : undefined;
}
