/** One frame of Docker's multiplexed output: which stream it came from and its bytes. */
export interface DockerFrame {
  stream: 'stdin' | 'stdout' | 'stderr';
  data: Buffer;
}

const streams = ['stdin', 'stdout', 'stderr'] as const;

/**
 * Splits Docker's multiplexed stream (logs and exec of a container without a TTY) into frames:
 * each has an 8-byte header — stream type (0 stdin, 1 stdout, 2 stderr), three zero bytes, a
 * big-endian 32-bit length — then that many bytes. A truncated last frame keeps what arrived.
 * A buffer that does not start with a valid header (a TTY container's raw output) is one stdout frame.
 */
export function demuxDockerStream(buffer: Buffer): DockerFrame[] {
  const frames: DockerFrame[] = [];
  let offset = 0;
  while (offset < buffer.length) {
    const type = buffer[offset];
    const header = offset + 8 <= buffer.length && (type === 0 || type === 1 || type === 2) && buffer.readUIntBE(offset + 1, 3) === 0;
    if (!header) {
      if (offset === 0) return [{ stream: 'stdout', data: buffer }];
      break;
    }
    const length = buffer.readUInt32BE(offset + 4);
    const start = offset + 8;
    frames.push({ stream: streams[type]!, data: buffer.subarray(start, Math.min(start + length, buffer.length)) });
    offset = start + length;
  }
  return frames;
}

/** The text of the frames of one stream, or of all of them in order when `stream` is omitted. */
export function framesText(frames: DockerFrame[], stream?: DockerFrame['stream']): string {
  return Buffer.concat(frames.filter((f) => stream === undefined || f.stream === stream).map((f) => f.data)).toString('utf8');
}
