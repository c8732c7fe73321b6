// Deterministic weight initialisation for the zoo. Normals come from the Box–Muller of src/ir/rng.ts; the uniform
// source stays mulberry32 (not createRng's xoshiro128**) because switching it would change every initial weight, and
// recorded expectations (zoo tests, checkpoints, reproduce claims) rest on these exact values.
// Every tensor draws from its own stream, seeded by (model seed, tensor name): changing one layer's shape never
// shifts the values of another layer, and the same seed always gives the same model on every machine.
import { boxMuller } from '../rng.js';
import { float32, sizeOf, type Tensor } from '../tensor.js';

/** A seeded stream of uniform [0, 1) and standard normal numbers (mulberry32 + Box–Muller in float64). */
export interface InitStream {
  uniform(): number;
  normal(): number;
}

/** FNV-1a over the UTF-16 code units of `s`: a stable 32-bit hash for tensor names. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Mixes two 32-bit words (the murmur3 finaliser) so nearby seeds give unrelated streams. */
function mix(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function initStream(seed: number, name: string): InitStream {
  if (!Number.isInteger(seed)) throw new Error(`model seed must be an integer, got ${seed}`);
  let state = mix(seed >>> 0, fnv1a(name));
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform: next, normal: boxMuller(next) };
}

/** Fan-in and fan-out as torch.nn.init computes them: dims [out, in, ...kernel]. */
export function fans(dims: readonly number[]): { fanIn: number; fanOut: number } {
  if (dims.length < 2) throw new Error(`fan computation needs at least 2 dims, got [${dims}]`);
  const receptive = sizeOf(dims.slice(2));
  return { fanIn: dims[1]! * receptive, fanOut: dims[0]! * receptive };
}

export function normalTensor(dims: number[], std: number, s: InitStream): Tensor {
  const t = float32(dims);
  const d = t.data as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] = std * s.normal();
  return t;
}

export function uniformTensor(dims: number[], bound: number, s: InitStream): Tensor {
  const t = float32(dims);
  const d = t.data as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] = bound * (2 * s.uniform() - 1);
  return t;
}

export function constantTensor(dims: number[], value: number): Tensor {
  const t = float32(dims);
  (t.data as Float32Array).fill(value);
  return t;
}

/** torch.nn.init.kaiming_normal_(w, mode='fan_out', nonlinearity='relu'), as torchvision initialises convolutions. */
export function kaimingNormalFanOut(dims: number[], s: InitStream): Tensor {
  return normalTensor(dims, Math.sqrt(2 / fans(dims).fanOut), s);
}

/**
 * PyTorch's default nn.Linear init: weight kaiming_uniform_(a=√5) = U(±1/√fan_in), bias U(±1/√fan_in).
 * Returns the bound, used for both.
 */
export function linearDefaultBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}
