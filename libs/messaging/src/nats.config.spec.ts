import { defaultNatsUrl, natsServersFromEnv } from './nats.config.js';

describe('natsServersFromEnv', () => {
  it('defaults to the local server', () => {
    expect(natsServersFromEnv({})).toEqual([defaultNatsUrl]);
    expect(natsServersFromEnv({ PLATO_NATS_URL: ' ' })).toEqual([defaultNatsUrl]);
  });

  it('reads comma-separated URLs from PLATO_NATS_URL', () => {
    expect(natsServersFromEnv({ PLATO_NATS_URL: 'nats://127.0.0.1:4300, nats://127.0.0.1:4301' })).toEqual([
      'nats://127.0.0.1:4300',
      'nats://127.0.0.1:4301',
    ]);
  });
});
