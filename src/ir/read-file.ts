// Reading a file the user named (model, weights, direction, result JSON, data): only a regular file of bounded size.
// A /dev/zero symlink would otherwise be read until memory runs out, a FIFO would block forever, a directory gives
// EISDIR. The file is opened non-blocking (a FIFO opens at once), checked with fstat on that same descriptor (no
// window for a swap between check and read), and read up to its stated size only.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError, worded, type OptionMention, type Worded } from './errors.js';

/** Default largest user file: just under the 2 GiB that Node's readFileSync allows. */
export const MAX_USER_FILE_BYTES = 2 ** 31 - 1;

/** A file that is not a regular file, too large, or unreadable; an input error (exit 2). */
export class FileRefusedError extends InputError {
  override name = 'FileRefusedError';
  /** The errno code when the file could not be opened or read (ENOENT, EACCES, …). */
  constructor(message: string | Worded, readonly code?: string) {
    super(message);
  }
}

export interface ReadFileOptions {
  /** Largest accepted size in bytes (default MAX_USER_FILE_BYTES). */
  maxBytes?: number;
  /** What the file is, put before its path in messages, e.g. option('weights') or 'template' (default: nothing). */
  what?: string | OptionMention;
}

/** Reads a regular file of at most maxBytes; FileRefusedError naming the file and the problem otherwise. */
export function readRegularFile(path: string, options: ReadFileOptions = {}): Uint8Array {
  const max = options.maxBytes ?? MAX_USER_FILE_BYTES;
  const lead = options.what ? worded`${options.what} ` : '';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileRefusedError(worded`${lead}${path}: cannot read the file (${code ?? (e as Error).message})`, code);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new FileRefusedError(worded`${lead}${path}: is ${kindOf(st)}, not a regular file; give the file itself`);
    if (st.size > max) throw new FileRefusedError(worded`${lead}${path}: is ${st.size.toLocaleString('en-US')} bytes, more than the ${max.toLocaleString('en-US')}-byte limit`);
    const out = new Uint8Array(st.size);
    let at = 0;
    while (at < out.length) {
      const n = readSync(fd, out, at, out.length - at, at);
      if (n === 0) break;
      at += n;
    }
    if (at < out.length) throw new FileRefusedError(worded`${lead}${path}: shrank while being read (${at} of ${st.size} bytes); is another process writing it?`);
    return out;
  } catch (e) {
    if (e instanceof FileRefusedError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileRefusedError(worded`${lead}${path}: cannot read the file (${code ?? (e as Error).message})`, code);
  } finally {
    closeSync(fd);
  }
}

/** readRegularFile, a refusal re-thrown as the reading format's own error class with the same message. */
export function readRegularFileAs(path: string, as: new (message: string) => Error, options: ReadFileOptions = {}): Uint8Array {
  try {
    return readRegularFile(path, options);
  } catch (e) {
    throw new as((e as Error).message);
  }
}

/** readRegularFile as UTF-8 text. */
export function readRegularText(path: string, options: ReadFileOptions = {}): string {
  return new TextDecoder().decode(readRegularFile(path, options));
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
