// Test support for comparisons against PyTorch: where the helper scripts are, and whether torch is there.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { crossCheckSkip, PYTHON_DIR, pythonPath } from './python.js';

export { PYTHON_DIR };

/** Whether the cross-check interpreter has torch and numpy; when not, says why once (src/testing/python.ts). */
export function torchAvailable(): boolean {
  return crossCheckSkip('torch', 'numpy') === undefined;
}

/** Runs test/python/<script> with args; throws with its stderr on failure, returns stdout. */
export function runPython(script: string, args: string[], timeoutMs = 120_000): string {
  const r = spawnSync(pythonPath(), [join(PYTHON_DIR, script), ...args], { cwd: PYTHON_DIR, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (status ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  return r.stdout;
}

/** .npy (format 1.0) bytes for a float32/float64/int64/int32 tensor, for feeding the Python helpers. */
export function npyBytes(t: { dtype: string; dims: number[]; data: ArrayBufferView }): Uint8Array {
  const descr = ({ float32: '<f4', float64: '<f8', int64: '<i8', int32: '<i4' } as Record<string, string>)[t.dtype];
  if (!descr) throw new Error(`npyBytes: dtype ${t.dtype} not supported`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + t.data.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), 10 + header.length);
  return out;
}
