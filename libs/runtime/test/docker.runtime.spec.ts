import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { newRunId } from '@plato/testing';
import { DockerRuntime, RuntimeUnavailable } from '../src/index.js';
import { containerRuntimeContract } from './container-runtime.contract.js';

const buildImages = fileURLToPath(new URL('../../../tools/images/build', import.meta.url));

containerRuntimeContract('Docker (real engine)', async () => {
  await promisify(execFile)(buildImages, [], { timeout: 110_000 });
  return { runtime: new DockerRuntime({ socketPath: '/var/run/docker.sock' }), image: 'plato/busybox:latest', runId: newRunId('plato-rt') };
});

describe('DockerRuntime without an engine', () => {
  const runtime = new DockerRuntime({ socketPath: `/tmp/${newRunId('no-docker')}.sock` });

  it('is not available and fails with RuntimeUnavailable naming the socket', async () => {
    expect(await runtime.available()).toBe(false);
    const health = await runtime.health();
    expect(health.available).toBe(false);
    expect(!health.available && health.reason).toContain('no-docker');
    const listing = runtime.list({ labels: {} });
    await expect(listing).rejects.toBeInstanceOf(RuntimeUnavailable);
    await expect(listing).rejects.toThrow('no-docker');
  });
});
