// safetensors reader/writer (https://huggingface.co/docs/safetensors): 8-byte little-endian header length N, N bytes of
// JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}, then the raw
// little-endian tensor bytes (offsets relative to the end of the header). The writer pads the header with spaces
// to a multiple of 8 bytes and lays tensors out in the order given.
// The reader treats its input as hostile: every length, offset and shape is checked against the bytes actually
// there before anything is allocated, and every problem is a SafetensorsError naming the file.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readRegularFileAs } from './read-file.js';
import { jsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { jsonCounts } from './json-counts.js';
import { basename, dirname, join } from 'node:path';
import { viewData, type DType, type Tensor, type TensorData } from './tensor.js';
import { InputError } from './errors.js';

export class SafetensorsError extends InputError {}

export interface SafetensorsContent {
  /** Tensors in file order (sorted by data offset). */
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

const CODES: Partial<Record<DType, string>> = { float32: 'F32', float64: 'F64', int64: 'I64', int32: 'I32', int8: 'I8', uint8: 'U8', bool: 'BOOL' };
const DTYPES: Record<string, DType> = { F32: 'float32', F64: 'float64', I64: 'int64', I32: 'int32', I8: 'int8', U8: 'uint8', BOOL: 'bool' };
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int64: 8, int32: 4, int8: 1, uint8: 1, bool: 1 };
/** Same cap as the reference implementation: a larger header is refused rather than parsed. */
export const MAX_HEADER_BYTES = 100_000_000;
/**
 * Tensors one file may list, and values its header may hold (members and array elements): counted before the JSON
 * is parsed, so that a header listing 10⁶ tensors is refused in a fraction of a second instead of costing a gigabyte.
 * Real checkpoints hold thousands of tensors (a 70B-parameter LLM: under 1,000 per shard).
 */
export const MAX_TENSORS = 100_000;
export const MAX_HEADER_VALUES = 2_000_000;

// ---- writing ----

export function encodeSafetensors(tensors: Map<string, Tensor> | Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  // No prototype: a tensor named '__proto__' is an entry like any other, not the object's prototype.
  const header: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== 'string') throw new SafetensorsError(`metadata '${k}' must be a string, got ${typeof v}`);
    header['__metadata__'] = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new SafetensorsError(`a tensor may not be called '__metadata__'`);
    const code = CODES[t.dtype];
    if (!code) throw new SafetensorsError(`tensor '${name}': dtype ${t.dtype} has no safetensors code`);
    const bytes = t.data.byteLength;
    const expected = t.dims.reduce((a, d) => a * d, 1) * BYTES[t.dtype];
    if (bytes !== expected) throw new SafetensorsError(`tensor '${name}': shape [${t.dims}] needs ${expected} bytes of ${t.dtype}, data has ${bytes}`);
    header[name] = { dtype: code, shape: t.dims, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  json += ' '.repeat((8 - ((8 + jsonBytes) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const [, t] of entries) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

/** Writes atomically: a temporary file in the same folder, flushed, then renamed over `path`. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeSafetensors(path: string, tensors: Map<string, Tensor> | Record<string, Tensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

// ---- reading ----

export function readSafetensors(path: string): SafetensorsContent {
  return decodeSafetensors(readRegularFileAs(path, SafetensorsError), path);
}

/** Parses safetensors bytes; `source` names the file in error messages. Tensor data is copied (aligned, owned). */
export function decodeSafetensors(bytes: Uint8Array, source = '<bytes>'): SafetensorsContent {
  const fail = (what: string): never => { throw new SafetensorsError(`${source}: ${what}`); };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) fail(`header length ${headerLen} is larger than the ${bytes.length - 8} bytes after it (truncated or not a safetensors file)`);
  if (headerLen > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLen);
  if (n < 2) fail(`header length ${n} is too small for a JSON object`);
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
    if (jsonDepth(text) > MAX_JSON_DEPTH) fail(`header JSON is nested ${jsonDepth(text)} levels deep (a safetensors header has 3); the file is corrupt or hostile`);
    const counts = jsonCounts(text);
    if (counts.topMembers > MAX_TENSORS + 1) fail(`header lists ${counts.topMembers.toLocaleString('en')} tensors, more than the ${MAX_TENSORS.toLocaleString('en')} terrain reads from one file; the file is corrupt or hostile (split a real state_dict into shards)`);
    if (counts.values > MAX_HEADER_VALUES) fail(`header holds ${counts.values.toLocaleString('en')} JSON values, more than the ${MAX_HEADER_VALUES.toLocaleString('en')} terrain parses; the file is corrupt or hostile`);
    header = JSON.parse(text);
  } catch (e) {
    if (e instanceof SafetensorsError) throw e;
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header must be a JSON object');
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata = parseMetadata((header as Record<string, unknown>)['__metadata__'], fail);
  const spans: { name: string; dtype: DType; dims: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    spans.push({ name, ...parseEntry(name, raw, dataLen, fail) });
  }
  // Like the reference implementation: tensors must tile the data section exactly, no gaps, no overlaps.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expect = 0;
  for (const s of spans) {
    if (s.begin !== expect) fail(`tensor '${s.name}' starts at byte ${s.begin}, expected ${expect} (${s.begin < expect ? 'overlaps the previous tensor' : 'gap in the data'})`);
    expect = s.end;
  }
  if (expect !== dataLen) fail(`tensors cover ${expect} bytes but the data section has ${dataLen} (truncated or trailing bytes)`);
  // One fresh buffer for all tensors (one allocation, not one per tensor: 10⁵ small buffers cost seconds of GC),
  // each tensor at an 8-byte aligned offset, not shared with a pooled Node Buffer.
  const at: number[] = [];
  let size = 0;
  for (const s of spans) {
    at.push(size);
    size += Math.ceil((s.end - s.begin) / 8) * 8;
  }
  const all = new Uint8Array(size);
  const tensors = new Map<string, Tensor>();
  spans.forEach((s, k) => {
    all.set(bytes.subarray(dataStart + s.begin, dataStart + s.end), at[k]!);
    tensors.set(s.name, { dtype: s.dtype, dims: s.dims, data: viewData(s.dtype, all.buffer, at[k]!, (s.end - s.begin) / BYTES[s.dtype]) });
  });
  return { tensors, metadata };
}

/** A header value for a message: short, and safe for values nested too deeply for JSON.stringify's recursion. */
function preview(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    return 'a value nested too deeply to show';
  }
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function parseMetadata(raw: unknown, fail: (what: string) => never): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail('__metadata__ must be an object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (k === '__proto__') fail(`__metadata__ has a key '__proto__', which no writer of safetensors files produces`);
    if (typeof v !== 'string') fail(`__metadata__ '${k}' must be a string, got ${preview(v)}`);
    out[k] = v as string;
  }
  return out;
}

function parseEntry(name: string, raw: unknown, dataLen: number, fail: (what: string) => never): { dtype: DType; dims: number[]; begin: number; end: number } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`tensor '${name}' entry must be an object with dtype, shape, data_offsets`);
  const e = raw as Record<string, unknown>;
  const code = e['dtype'];
  if (typeof code !== 'string') return fail(`tensor '${name}': dtype missing`);
  const dtype = Object.hasOwn(DTYPES, code) ? DTYPES[code] : undefined;
  if (!dtype) return fail(`tensor '${name}': dtype ${preview(code)} is not supported (supported: ${Object.keys(DTYPES).join(', ')})`);
  const shape = e['shape'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return fail(`tensor '${name}': shape must be a list of non-negative integers, got ${preview(shape)}`);
  const offsets = e['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    return fail(`tensor '${name}': data_offsets must be [begin, end] byte offsets, got ${preview(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > dataLen) fail(`tensor '${name}': data_offsets [${begin}, ${end}] lie outside the ${dataLen}-byte data section`);
  // Multiply without losing precision: stop once the product passes what any file could hold.
  const span = end - begin;
  let bytesNeeded = (shape as number[]).includes(0) ? 0 : BYTES[dtype];
  for (const d of shape as number[]) {
    bytesNeeded *= d;
    if (bytesNeeded > Number.MAX_SAFE_INTEGER) break;
  }
  if (bytesNeeded !== span) {
    const need = bytesNeeded > Number.MAX_SAFE_INTEGER ? `more than ${Number.MAX_SAFE_INTEGER}` : String(bytesNeeded);
    fail(`tensor '${name}': shape [${shape}] of ${code} needs ${need} bytes, data_offsets give ${span}`);
  }
  return { dtype, dims: [...(shape as number[])], begin, end };
}

