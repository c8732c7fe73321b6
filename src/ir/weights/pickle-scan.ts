// A linear walk over a pickle's opcodes before pickleparser sees it, to bound what the parser would do slowly:
// pickleparser builds a LONG4 integer 32 bits at a time (quadratic: a 594 KB integer took over a minute), and text
// INT/LONG lines are parsed whole. A state_dict holds only small integers (sizes, strides, offsets, versions).
import { PickleError } from './torch-pickle.js';

/** Largest binary integer accepted (bytes): 2^511 is far beyond any size, stride or version number. */
export const MAX_LONG_BYTES = 64;
/** Longest newline-terminated argument (INT/LONG/FLOAT text, GLOBAL names). */
const MAX_LINE = 4096;

const NO_ARG = new Set('(.012NQRabd}el]ost)u'.split('').map((c) => c.charCodeAt(0))
  .concat([0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x93, 0x94, 0x8f, 0x90, 0x91, 0x92, 0x97, 0x98]));
const FIXED: Record<number, number> = {
  0x4b: 1, 0x71: 1, 0x68: 1, 0x80: 1, 0x82: 1, // BININT1 BINPUT BINGET PROTO EXT1
  0x4d: 2, 0x83: 2, // BININT2 EXT2
  0x4a: 4, 0x72: 4, 0x6a: 4, 0x84: 4, // BININT LONG_BINPUT LONG_BINGET EXT4
  0x47: 8, 0x95: 8, // BINFLOAT FRAME
};
const LEN1 = new Set([0x55, 0x8c, 0x43, 0x8a]); // SHORT_BINSTRING SHORT_BINUNICODE SHORT_BINBYTES LONG1
const LEN4 = new Set([0x54, 0x58, 0x42, 0x8b]); // BINSTRING BINUNICODE BINBYTES LONG4
const LEN8 = new Set([0x8d, 0x8e, 0x96]); // BINUNICODE8 BINBYTES8 BYTEARRAY8
const LINES: Record<number, number> = { 0x49: 1, 0x4c: 1, 0x46: 1, 0x53: 1, 0x56: 1, 0x70: 1, 0x67: 1, 0x50: 1, 0x63: 2, 0x69: 2 };

/** Throws PickleError for an oversized integer or line; stops quietly at STOP or an opcode it does not know. */
export function scanPickle(b: Uint8Array): void {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let at = 0;
  while (at < b.length) {
    const op = b[at++]!;
    if (op === 0x2e) return; // STOP
    if (NO_ARG.has(op)) continue;
    const fixed = FIXED[op];
    if (fixed !== undefined) { at += fixed; continue; }
    let len: number;
    if (LEN1.has(op)) { len = b[at] ?? 0; at += 1; }
    else if (LEN4.has(op)) { if (at + 4 > b.length) return; len = view.getUint32(at, true); at += 4; }
    else if (LEN8.has(op)) { if (at + 8 > b.length) return; len = Number(view.getBigUint64(at, true)); at += 8; }
    else if (LINES[op] !== undefined) {
      for (let k = 0; k < LINES[op]!; k++) {
        const end = b.indexOf(0x0a, at);
        if (end < 0) return;
        if (end - at > MAX_LINE) throw new PickleError(`a text argument of opcode 0x${op.toString(16)} at byte ${at} is ${end - at} bytes long (limit ${MAX_LINE})`);
        at = end + 1;
      }
      continue;
    } else return; // unknown: the parser reports it
    if ((op === 0x8b || op === 0x8a) && len > MAX_LONG_BYTES) {
      throw new PickleError(`an integer of ${len.toLocaleString('en-US')} bytes at byte ${at} (a state_dict needs at most ${MAX_LONG_BYTES}); the file is corrupt or hostile`);
    }
    at += len;
  }
}
