// The bad inputs of issue 18 as terrain command lines: each case builds its files in a fresh directory and says
// which file (or flag) the one error line must name and what problem it must state. hostile.test.ts runs them all.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointOf, loadCheckpoint, saveCheckpoint } from '../../ir/checkpoint.js';
import { toOnnxBytes } from '../../ir/onnx.js';
import { encodeSafetensors, writeSafetensors } from '../../ir/safetensors.js';
import { buildModel } from '../../ir/zoo/index.js';
import {
  deepJson, flippedBitPt, HOSTILE_GRAPHS, long4Pt, lyingDeflatePt, lyingNpz, makeFifo, makeFolder, makeZeroLink,
  manyTensorsSafetensors, mapProtoPt, rawSafetensors, togetherNpz,
} from './files.js';

export interface HostileCase {
  /** Issue 18's item (1–10), or 'exit' for the exit-code classes that already held. */
  item: number | 'exit';
  name: string;
  args: string[];
  /** Text the error line must contain: the file's path (or the flag). */
  names: string;
  problem: RegExp;
}

export interface HostileFixtures {
  /** A small MLP checkpoint taking digits' [1, 8, 8] samples. */
  model: string;
  /** An ONNX model for --weights cases (weights are read before they are mapped). */
  onnx: string;
}

export const MODEL_SPEC = { arch: 'mlp', options: { widths: [16] }, inputShape: [1, 8, 8], classes: 10 };

/** The fixtures every case shares (a checkpoint written here; the ONNX model from test/fixtures). */
export function makeFixtures(dir: string): HostileFixtures {
  const model = join(dir, 'mlp.safetensors');
  saveCheckpoint(model, { ...checkpointOf(buildModel(MODEL_SPEC, 3)), spec: MODEL_SPEC });
  return { model, onnx: new URL('../../../test/fixtures/onnx/tinyvit.onnx', import.meta.url).pathname };
}

const put = (path: string, bytes: Uint8Array | string): string => {
  writeFileSync(path, bytes);
  return path;
};

/** Every case, its files built under `dir`. */
export function hostileCases(dir: string, f: HostileFixtures): HostileCase[] {
  const p = (name: string): string => join(dir, name);
  const evalWith = (model: string, ...more: string[]): string[] => ['eval', '--model', model, '--data', 'digits', '--samples', '50', ...more];
  const curve = (direction: string, out = p('curve-out')): string[] => ['curve', '--model', f.model, '--data', 'digits', '--samples', '50', '--direction', direction, '--range', '-1:1:3', '--out', out, '--no-plots'];
  const cases: HostileCase[] = [];
  const add = (c: HostileCase): void => { cases.push(c); };

  // 1. Grid limit.
  add({ item: 1, name: 'a 10,000 × 10,000 surface', names: '--x-range', problem: /100,000,000 points, more than the 1,000,000-point limit/,
    args: ['surface', '--model', f.model, '--data', 'digits', '--x', 'gaussian', '--y', 'gaussian:seed=2', '--x-range', '-1:1:10000', '--y-range', '-1:1:10000', '--out', p('huge')] });

  // 2. A run directory held by a process on another host.
  const held = p('held');
  mkdirSync(held);
  put(join(held, 'run.lock'), JSON.stringify({ pid: 4242, host: 'other-host.example', started: '2026-01-01T00:00:00.000Z', command: ['terrain', 'curve'] }) + '\n');
  add({ item: 2, name: 'a run directory locked by another host', names: held, problem: /in use by another terrain process \(pid 4242 on host other-host\.example/, args: curve('gaussian', held) });

  // 3. Hostile .pt files.
  add({ item: 3, name: 'a .pt pickle with a 600 KB LONG4 integer', names: put(p('long4.pt'), long4Pt()), problem: /data\.pkl: an integer of 600,000 bytes/, args: evalWith(f.onnx, '--weights', p('long4.pt')) });
  add({ item: 3, name: 'a .pt entry inflating past its declared size', names: put(p('bomb.pt'), lyingDeflatePt()), problem: /inflates past its declared 16 bytes/, args: evalWith(f.onnx, '--weights', p('bomb.pt')) });
  add({ item: 3, name: 'a .pt with one flipped storage bit', names: put(p('flip.pt'), flippedBitPt()), problem: /fails its CRC-32 check/, args: evalWith(f.onnx, '--weights', p('flip.pt')) });

  // 4. Special files.
  add({ item: 4, name: 'a /dev/zero symlink as model', names: makeZeroLink(p('zero.onnx')), problem: /is a character device, not a regular file/, args: evalWith(p('zero.onnx')) });
  add({ item: 4, name: 'a FIFO as weights', names: makeFifo(p('fifo.pt')), problem: /is a FIFO \(named pipe\), not a regular file/, args: evalWith(f.onnx, '--weights', p('fifo.pt')) });
  add({ item: 4, name: 'a FIFO as classify input', names: makeFifo(p('fifo.json')), problem: /is a FIFO/, args: ['classify', p('fifo.json')] });
  add({ item: 4, name: 'a directory as a direction file', names: makeFolder(p('dir.safetensors')), problem: /is a directory, not a regular file/, args: curve(`file:${p('dir.safetensors')}`) });
  add({ item: 4, name: 'a /dev/zero symlink as npy data', names: makeZeroLink(p('zero-x.npy')), problem: /is a character device/, args: ['eval', '--model', f.model, '--data', `npy:${p('zero-x.npy')},${p('zero-x.npy')}`, '--split', 'all'] });

  // 5. Exit-code promise: hostile content that used to be exit 1.
  put(p('deep-meta.safetensors'), encodeSafetensors(new Map(), { 'terrain.spec': deepJson(100_000) }));
  add({ item: 5, name: 'checkpoint metadata nested 100,000 deep', names: p('deep-meta.safetensors'), problem: /nested more than 64 levels deep/, args: evalWith(p('deep-meta.safetensors')) });
  put(p('deep-shape.safetensors'), rawSafetensors(`{"w":{"dtype":"F32","shape":${deepJson(100_000)},"data_offsets":[0,0]}}`));
  add({ item: 5, name: 'a safetensors shape nested 100,000 deep', names: p('deep-shape.safetensors'), problem: /nested 100002 levels deep/, args: evalWith(f.onnx, '--weights', p('deep-shape.safetensors')) });
  const tensors = loadCheckpoint(f.model).tensors;
  const [wName, w] = [...tensors].find(([, t]) => t.dims.length === 2)!;
  writeSafetensors(p('transposed.safetensors'), new Map([...tensors].map(([k, t]) => [k, k === wName ? { ...t, dims: [...w.dims].reverse() } : t])));
  add({ item: 5, name: 'a direction with a transposed tensor', names: p('transposed.safetensors'), problem: new RegExp(`'${wName.replace(/\./g, '\\.')}' has shape \\[${[...w.dims].reverse().join(',')}\\], expected \\[${w.dims.join(',')}\\]`), args: curve(`file:${p('transposed.safetensors')}`) });
  put(p('proto.safetensors'), rawSafetensors('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)));
  add({ item: 5, name: "a direction entry named '__proto__'", names: p('proto.safetensors'), problem: /'__proto__'/, args: curve(`file:${p('proto.safetensors')}`) });
  for (const [key, g] of Object.entries(HOSTILE_GRAPHS)) {
    add({ item: 5, name: `an ONNX model: ${key}`, names: put(p(`${key}.onnx`), toOnnxBytes(g.graph())), problem: g.problem, args: evalWith(p(`${key}.onnx`)) });
  }
  add({ item: 5, name: 'a pickle giving an object a Map prototype', names: put(p('proto.pt'), mapProtoPt()), problem: /proto\.pt/, args: evalWith(f.onnx, '--weights', p('proto.pt')) });

  // 6. Resume that would only call itself; a run.json that is not JSON.
  const rec = p('recursive');
  mkdirSync(rec);
  put(join(rec, 'run.json'), JSON.stringify({ kind: 'curve', identity: {}, info: { command: ['terrain', 'resume', '.'], cwd: rec } }));
  add({ item: 6, name: "a run.json whose command is 'terrain resume .'", names: join(rec, 'run.json'), problem: /the recorded command is itself 'terrain resume \.'/, args: ['resume', rec] });
  const broken = p('broken-run');
  mkdirSync(broken);
  put(join(broken, 'run.json'), '{"kind": "curve", "ident');
  add({ item: 6, name: 'a run.json cut short', names: join(broken, 'run.json'), problem: /not valid JSON/, args: ['resume', broken] });

  // 9. NaN in weights or inputs.
  const nanTensors = new Map(tensors);
  const bad = Float32Array.from(w.data as Float32Array);
  bad[5] = NaN;
  nanTensors.set(wName, { ...w, data: bad });
  saveCheckpoint(p('nan.safetensors'), { spec: MODEL_SPEC, tensors: nanTensors, meta: {} });
  add({ item: 9, name: 'a checkpoint with a NaN weight', names: p('nan.safetensors'), problem: new RegExp(`tensor '${wName.replace(/\./g, '\\.')}' holds 1 non-finite value\\(s\\), the first NaN at \\[0, 5\\]`), args: evalWith(p('nan.safetensors')) });
  const x = new Float32Array(3 * 64);
  x[2 * 64 + 9] = Infinity;
  put(p('x.npy'), npy('<f4', [3, 1, 8, 8], new Uint8Array(x.buffer)));
  put(p('y.npy'), npy('<i4', [3], new Uint8Array(new Int32Array([0, 1, 2]).buffer)));
  add({ item: 9, name: 'data with an infinite input', names: `--data npy:${p('x.npy')}`, problem: /sample 2 of the all split holds Infinity at \[0, 1, 1\]/, args: ['eval', '--model', f.model, '--data', `npy:${p('x.npy')},${p('y.npy')}`, '--split', 'all'] });

  // 10. Headers and archives that would cost memory and time.
  add({ item: 10, name: 'a safetensors header listing 10⁶ tensors', names: put(p('many.safetensors'), manyTensorsSafetensors(1_000_000)), problem: /header lists 1,000,000 tensors, more than the 100,000/, args: evalWith(f.onnx, '--weights', p('many.safetensors')) });
  add({ item: 10, name: 'an npz member inflating past its declared size', names: put(p('lying.npz'), lyingNpz()), problem: /member y\.npy: inflates past its declared 64 bytes/, args: ['eval', '--model', f.model, '--data', `npz:${p('lying.npz')}`, '--split', 'all'] });
  add({ item: 10, name: 'npz members over the limit together', names: put(p('together.npz'), togetherNpz()), problem: /before member y\.npy, which adds 629,145,600/, args: ['eval', '--model', f.model, '--data', `npz:${p('together.npz')}`, '--split', 'all'] });
  return cases;
}

/** A minimal .npy (format 1.0) holding `data` as the given dtype and shape. */
function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  h = h.padEnd(Math.ceil((10 + h.length + 1) / 64) * 64 - 11, ' ') + '\n';
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  out.set(new TextEncoder().encode(h), 10);
  out.set(data, 10 + h.length);
  return out;
}
