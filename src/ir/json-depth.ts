// Nesting depth of JSON text, without parsing it: a file's JSON nested thousands deep parses (V8's parser is
// iterative) but then overflows the stack of every recursive walk over it (JSON.stringify, comparisons, copies).

/** Deepest nesting of [ and { outside strings (0 for a scalar). */
export function jsonDepth(text: string): number {
  let depth = 0, max = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Metadata and headers terrain reads are a few levels deep; anything past this is not one of its files. */
export const MAX_JSON_DEPTH = 64;
