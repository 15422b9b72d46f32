// Docker's multiplexed stream format (non-TTY attach and logs): frames of an 8-byte header
// [stream type (1 = stdout, 2 = stderr), 0, 0, 0, big-endian uint32 length] and the payload.

export type StreamType = 1 | 2;

/** The text of the frames of the wanted streams, in order, split into lines. */
export function frameLines(buf: Buffer, wanted: ReadonlySet<StreamType>): string[] {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const type = buf[at];
    const length = buf.readUInt32BE(at + 4);
    if (type > 2 || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0) {
      return splitLines(buf.subarray(at)); // not multiplexed (TTY): plain text
    }
    const payload = buf.subarray(at + 8, Math.min(buf.length, at + 8 + length));
    if (wanted.has(type as StreamType)) parts.push(payload);
    at += 8 + length;
  }
  return splitLines(Buffer.concat(parts));
}

function splitLines(buf: Buffer): string[] {
  const lines = buf
    .toString('utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
