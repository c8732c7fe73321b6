// A point of a model's landscape as plain data: the architecture, θ, and the BN running statistics that go with it.
import type { Model } from '../../ir/model.js';
import type { Tensor } from '../../ir/tensor.js';
import { toTensors, type ParamVector } from '../params.js';
import { withInitializers } from '../../ir/graph.js';

export interface ModelPoint {
  model: Model;
  theta: ParamVector;
  /** BN running statistics (empty for models without BN). LoadedModel has this shape. */
  buffers: ReadonlyMap<string, Tensor>;
}

/** The model with θ and the buffers as its initializers, for sessions that bake the point in. */
export function modelAt(point: ModelPoint): Model {
  const weights = new Map<string, Tensor>([...toTensors(point.theta), ...point.buffers]);
  return { ...point.model, graph: withInitializers(point.model.graph, weights) };
}
