import { get } from 'node:http';

/**
 * Whether `GET http://127.0.0.1:<port>/` gets any answer within `timeoutMs`: the user's view of
 * "serving" for a container port published on the loopback. Never rejects.
 */
export function answersHttp(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
