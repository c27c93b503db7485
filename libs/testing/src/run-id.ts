import { randomBytes } from 'node:crypto';

/**
 * A short id unique to one test run, used as a name prefix or label value on everything the
 * run creates (streams, containers, instances, images) so it removes exactly those.
 */
export function newRunId(prefix = 'plato-test'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
