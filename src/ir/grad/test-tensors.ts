// Tiny tensor constructors for rule tests.
import type { Tensor } from '../tensor.js';

export function float64(dims: number[], values: number[]): Tensor {
  return { dtype: 'float64', dims, data: new Float64Array(values) };
}
