// NumPy .npy (format 1.0): little-endian float64, C order. NaN and ±∞ are stored as the IEEE values they are;
// missing values (null) are written as NaN.

export function npyFloat64(shape: readonly number[], values: readonly (number | null)[]): Buffer {
  const count = shape.reduce((n, d) => n * d, 1);
  if (count !== values.length) throw new Error(`npy: shape [${shape.join(', ')}] holds ${count} values, ${values.length} were given`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces and ended by '\n' to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = Buffer.alloc(total + 8 * count);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  values.forEach((v, i) => out.writeDoubleLE(v === null ? NaN : v, total + 8 * i));
  return out;
}
