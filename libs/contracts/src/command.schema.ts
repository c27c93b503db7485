import { z } from 'zod';

/** Identifies a command for idempotency: a retried command with the same id is applied once. */
export const CommandId = z.string().min(8, 'must be at least 8 characters').max(128).regex(/^[A-Za-z0-9_:-]+$/, "must be letters, digits, '_', ':' or '-'");

/** What a command that changed (or did not need to change) a stream replies. */
export const CommandAccepted = z.strictObject({
  stream: z.string(),
  /** The stream's revision after the command (its last event's position), 0 if it has none. */
  revision: z.int().min(0),
  /** The events the command wrote, in order (empty when nothing had to change). */
  events: z.array(z.strictObject({ type: z.string(), position: z.int().min(1) })),
});
