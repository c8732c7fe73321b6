// How much a JSON text would build, without parsing it: V8's JSON.parse of a header that lists 10⁶ entries takes
// about a gigabyte and many seconds before any check can run. One linear pass outside strings counts members.

export interface JsonCounts {
  /** Members (key: value pairs) of the top-level object. */
  topMembers: number;
  /** Every value inside containers: object members and array elements, at any depth. */
  values: number;
}

export function jsonCounts(text: string): JsonCounts {
  let depth = 0, inString = false, topMembers = 0, values = 0;
  // Whether the innermost open container has a value yet (so '[]' and '{}' count 0, '[1]' counts 1).
  const empty: boolean[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (depth > 0 && empty[depth - 1] && c !== 0x5d && c !== 0x7d) {
      empty[depth - 1] = false; // the first value of this container starts here
      values++;
      if (depth === 1) topMembers++;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) empty[depth++] = true;
    else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
    else if (c === 0x2c && depth > 0) {
      values++;
      if (depth === 1) topMembers++;
    }
  }
  return { topMembers, values };
}
