// Reading the files of a served folder without trusting them: only regular files (a FIFO named result.json must not
// hang the server, a /dev/zero link must not fill memory), opened non-blocking and checked with fstat on the same
// descriptor, and never more than a stated number of bytes.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Largest result.json the viewer parses (a 1,000×1,000 surface with every --tolerance field is ~100 MB: see load.ts). */
export const MAX_RESULT_BYTES = 128 * 2 ** 20;
/** Largest run.json, and any other JSON file of a run (histories, summaries). */
export const MAX_JSON_BYTES = 16 * 2 ** 20;

export class FileLimitError extends Error {}

const mib = (n: number): string => `${(n / 2 ** 20).toFixed(n < 2 ** 20 ? 2 : 0)} MiB`;

/** Opens a regular file for reading; the caller closes it. Throws FileLimitError naming the file otherwise. */
export async function openRegular(path: string): Promise<{ fh: FileHandle; size: number; ino: number; mtimeMs: number }> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileLimitError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw new FileLimitError(`${path}: not a regular file`);
  }
  return { fh, size: st.size, ino: st.ino, mtimeMs: st.mtimeMs };
}

/** The text of a regular file of at most maxBytes; FileLimitError naming the file and the limit otherwise. */
export async function readTextBounded(path: string, maxBytes: number): Promise<string> {
  const { fh, size } = await openRegular(path);
  try {
    if (size > maxBytes) throw new FileLimitError(`${path}: ${mib(size)}, more than the ${mib(maxBytes)} the viewer reads; not shown`);
    const buf = Buffer.alloc(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.toString('utf8', 0, at);
  } finally {
    await fh.close();
  }
}

/** JSON.parse of readTextBounded (with a reviver, e.g. for "NaN" tokens); a parse error names the file. */
export async function readJsonBounded(path: string, maxBytes: number, reviver?: (key: string, value: unknown) => unknown): Promise<unknown> {
  const text = await readTextBounded(path, maxBytes);
  try {
    return JSON.parse(text, reviver);
  } catch (e) {
    throw new FileLimitError(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

export interface LineScan {
  /** Byte offset just after the last complete line consumed. */
  offset: number;
  /** Inside a line longer than the chunk (skipped up to its newline). */
  skipping: boolean;
}

const CHUNK = 4 * 2 ** 20;

/**
 * Feeds the complete lines of fh between scan.offset and `end` to onLine, a chunk at a time (memory stays at one
 * chunk whatever the file holds); the offset moves past them, so an append-only log is read once, tail by tail.
 * A torn last line (being written) is left for the next call; a line longer than a chunk is skipped.
 */
export async function scanLines(fh: FileHandle, scan: LineScan, end: number, onLine: (line: string) => void): Promise<void> {
  const buf = Buffer.allocUnsafe(CHUNK);
  while (scan.offset < end) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, end - scan.offset), scan.offset);
    if (bytesRead === 0) break;
    let start = 0;
    if (scan.skipping) {
      const nl = buf.indexOf(10);
      if (nl < 0 || nl >= bytesRead) { scan.offset += bytesRead; continue; }
      start = nl + 1;
      scan.skipping = false;
    }
    const last = buf.lastIndexOf(10, bytesRead - 1);
    if (last < start) {
      if (bytesRead === CHUNK) { scan.skipping = true; scan.offset += bytesRead; continue; }
      scan.offset += start;
      break; // torn tail
    }
    const text = buf.toString('utf8', start, last);
    for (const line of text.split('\n')) if (line.length) onLine(line);
    scan.offset += last + 1;
  }
}
