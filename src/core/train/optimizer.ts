// Optimizers with PyTorch's exact update rules (torch.optim.SGD / Adam), on one flat Float32Array.

export interface SgdOptions {
  kind: 'sgd';
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface AdamOptions {
  kind: 'adam';
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export type OptimizerOptions = SgdOptions | AdamOptions;

export interface OptimizerState {
  step: number;
  /** SGD momentum buffer, or Adam's first moment. */
  m?: Float32Array;
  /** Adam's second moment. */
  v?: Float32Array;
}

/** One update of `params` in place from `grad` at learning rate `lr`; `decayMask[i] = 0` exempts entry i from weight decay. */
export function stepInPlace(opts: OptimizerOptions, state: OptimizerState, params: Float32Array, grad: Float32Array, lr: number, decayMask?: Uint8Array): void {
  const n = params.length;
  if (grad.length !== n) throw new Error(`gradient has ${grad.length} entries, parameters ${n}`);
  state.step++;
  if (opts.kind === 'sgd') {
    const { momentum: mu, nesterov, weightDecay: wd } = opts;
    if (mu !== 0 && !state.m) state.m = new Float32Array(n);
    const buf = state.m;
    const first = state.step === 1;
    for (let i = 0; i < n; i++) {
      let g = grad[i]!;
      if (wd !== 0 && (!decayMask || decayMask[i])) g += wd * params[i]!;
      if (buf) {
        // PyTorch: the first step initialises the buffer to g (no dampening).
        const b = first ? g : mu * buf[i]! + g;
        buf[i] = b;
        g = nesterov ? g + mu * b : b;
      }
      params[i] = params[i]! - lr * g;
    }
  } else {
    const { beta1, beta2, eps, weightDecay: wd } = opts;
    if (!state.m) state.m = new Float32Array(n);
    if (!state.v) state.v = new Float32Array(n);
    const m = state.m, v = state.v;
    const bc1 = 1 - beta1 ** state.step, bc2 = 1 - beta2 ** state.step;
    for (let i = 0; i < n; i++) {
      let g = grad[i]!;
      if (wd !== 0 && (!decayMask || decayMask[i])) g += wd * params[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      const denom = Math.sqrt(v[i]! / bc2) + eps;
      params[i] = params[i]! - (lr / bc1) * (m[i]! / denom);
    }
  }
}
