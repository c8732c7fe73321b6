// A parsed TF.js LayersModel (./format.ts) and its weights as an ONNX graph: input "input" [N, C, H, W] (or [N, F]),
// output the last layer's pre-softmax values. Weights keep their TF.js manifest names. Unsupported layer classes
// are gathered into one error listing every one of them.
import { GraphBuilder } from '../builder.js';
import type { Graph } from '../graph.js';
import type { Tensor } from '../tensor.js';
import { TfjsError, type LayerSpec, type TfjsModelJson } from './format.js';
import { CONVERTERS, type ConvertContext, type Value } from './layers.js';

export interface Converted {
  graph: Graph;
  notes: string[];
  /** Manifest weights no layer used (e.g. optimizer state). */
  unusedWeights: string[];
}

export function tfjsToGraph(m: TfjsModelJson, weights: ReadonlyMap<string, Tensor>, source: string): Converted {
  const unsupported = m.layers.filter((l) => l.className !== 'InputLayer' && !CONVERTERS[l.className]);
  if (unsupported.length > 0) {
    throw new TfjsError(`${source}: ${unsupported.length} unsupported ${unsupported.length === 1 ? 'layer' : 'layers'}: `
      + `${unsupported.map((l) => `'${l.name}' (${l.className})`).join(', ')}; supported: ${Object.keys(CONVERTERS).join(', ')}`);
  }
  const b = new GraphBuilder('tfjs', 13);
  const notes: string[] = [];
  const used = new Set<string>();
  const find = (layer: LayerSpec, key: string): string | undefined => {
    const exact = `${layer.name}/${key}`;
    if (weights.has(exact)) return exact;
    const nested = [...weights.keys()].filter((k) => k.endsWith(`/${exact}`));
    return nested.length === 1 ? nested[0] : undefined;
  };
  const values = new Map<string, Value>();
  const [h, w, ch] = m.input.shape;
  const inShape = m.input.shape.length === 3 ? [ch!, h!, w!] : m.input.shape.length === 1 ? [...m.input.shape] : undefined;
  if (!inShape) throw new TfjsError(`${source}: input shape [${m.input.shape}] is not supported; expected [H, W, C] images or [F] vectors`);
  values.set(m.input.name, { name: b.input('input', 'float32', ['N', ...inShape]), shape: inShape });

  for (const layer of m.layers) {
    if (layer.className === 'InputLayer') {
      if (layer.name !== m.input.name) throw new TfjsError(`${source}: the model has more than one input ('${m.input.name}', '${layer.name}')`);
      continue;
    }
    const c: ConvertContext = {
      b, source, isOutput: layer.name === m.output, note: (s) => notes.push(s),
      hasWeight: (l, key) => find(l, key) !== undefined,
      weight: (l, key, transform) => {
        const name = find(l, key);
        if (!name) throw new TfjsError(`${source}: layer '${l.name}' (${l.className}) needs weight '${l.name}/${key}', which the manifest lacks`);
        if (used.has(name)) throw new TfjsError(`${source}: weight '${name}' is used by two layers (shared layers are not supported)`);
        used.add(name);
        const t = weights.get(name)!;
        if (t.dtype !== 'float32') throw new TfjsError(`${source}: weight '${name}' is ${t.dtype}; expected float32`);
        return b.initializer(name, transform ? transform(t) : t);
      },
    };
    const inputs = layer.inbound.map((n) => values.get(n)!);
    values.set(layer.name, CONVERTERS[layer.className]!(layer, inputs, c));
  }
  const out = values.get(m.output)!;
  if (out.shape.length !== 1) throw new TfjsError(`${source}: the output '${m.output}' has shape [${out.shape}] per sample; expected a vector of class scores`);
  b.output(out.name, 'float32', ['N', out.shape[0]!]);
  return { graph: b.build(), notes, unusedWeights: [...weights.keys()].filter((k) => !used.has(k)) };
}
