// An append-only log (points.jsonl) after a crash mid-write ends in half a line. Appending onto it would glue the
// next record to the torn one, and both would be lost on every later read. Before the first append the tail is
// repaired: a last line that is a whole record only lacks its newline (one is added); anything else is cut off.
import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;

export type TailRepair = 'none' | 'ended' | 'cut';

/** Repairs the tail of `path` (absent file: nothing to do). The caller must be the log's only writer (run.lock). */
export async function endTornTail(path: string): Promise<TailRepair> {
  let fh;
  try {
    fh = await open(path, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw e;
  }
  try {
    const size = (await fh.stat()).size;
    if (size === 0) return 'none';
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return 'none';
    // Search backwards for the last newline: the torn line starts after it.
    let lineStart = 0;
    const buf = Buffer.alloc(CHUNK);
    for (let end = size; end > 0; end -= CHUNK) {
      const from = Math.max(0, end - CHUNK);
      await fh.read(buf, 0, end - from, from);
      const at = buf.subarray(0, end - from).lastIndexOf(0x0a);
      if (at >= 0) {
        lineStart = from + at + 1;
        break;
      }
    }
    const tail = Buffer.alloc(size - lineStart);
    await fh.read(tail, 0, tail.length, lineStart);
    if (isWholeRecord(tail.toString('utf8'))) {
      await fh.write('\n', size);
      await fh.sync();
      return 'ended';
    }
    await fh.truncate(lineStart);
    await fh.sync();
    return 'cut';
  } finally {
    await fh.close();
  }
}

function isWholeRecord(line: string): boolean {
  try {
    const v = JSON.parse(line) as unknown;
    return !!v && typeof v === 'object' && typeof (v as { index?: unknown }).index === 'number';
  } catch {
    return false;
  }
}
