// What `terrain reproduce` trains and measures at each budget. Plain data: the command reads it, the docs quote it.
// tiny: the test suite's smoke run (seconds); quick: digits only, within 15 minutes on a quiet 2-core machine;
// full: adds Fashion-MNIST MLP and ResNet-20 (training subsets, see docs/REPRODUCTION.md for the wall time).

export type BudgetName = 'tiny' | 'quick' | 'full';
export const BUDGETS: readonly BudgetName[] = ['tiny', 'quick', 'full'];

export interface Setting {
  /** Short id used for directory names and table rows, e.g. 'digits-mlp'. */
  id: string;
  arch: string;
  data: string;
  /** Training subset (stratified, seeded); undefined: the whole training split. */
  trainSamples?: number;
  /** Subset of the training split every landscape measurement evaluates on; undefined: all of it. */
  evalSamples?: number;
  epochs: number;
  batch: number;
  lr: number;
  /** L2 weight decay of SGD (default 5·10⁻⁴). */
  weightDecay?: number;
  /** The checkpoint after this epoch is the "early" one of the negative-gradient claim. */
  earlyEpoch: number;
  /** Mining settings where the defaults (tuned on the digits MLP) do not fit the model; see docs/mining.md. */
  mine?: MineSetting;
}

export interface MineSetting {
  /** λ₀ per shape, in filter-normalised units; surfaces span ±2λ₀ of the w-peak. */
  lambda0: { 'w-peak': number; 'vvv-basin': number };
  /** Minibatch of the optimisation, Adam learning rate and steps per shape. */
  batch: number;
  lr: { 'w-peak': number; 'vvv-basin': number };
  steps: { 'w-peak': number; 'vvv-basin': number };
}

export interface Budget {
  name: BudgetName;
  settings: Setting[];
  seeds: number[];
  /** Gaussian directions per trained model (GMI). */
  directions: number;
  /** Points per 1-D curve. */
  points: number;
  /** Hutchinson probes for tr(H), in GMI and over checkpoints. */
  traceSamples: number;
  /** Save a checkpoint every N epochs. */
  saveEvery: number;
  /** Points per GMI curve (odd, so that λ = 0 is on the grid). */
  gmiPoints: number;
  /** Mining on the first seed's model: restarts and Adam steps per shape, points per surface axis. */
  mine: { restarts: number; steps: number; surfacePoints: number };
}

const digitsMlp: Setting = { id: 'digits-mlp', arch: 'mlp', data: 'digits', epochs: 20, batch: 128, lr: 0.1, earlyEpoch: 1 };
// The same MLP with weight decay 0.01: less over-confident on its training samples, so w-peaks mined there survive on
// held-out data (docs/mining.md); with 5·10⁻⁴ they do not.
const digitsMlpDecay: Setting = { ...digitsMlp, id: 'digits-mlp-wd', weightDecay: 0.01 };
const digitsCnn: Setting = { id: 'digits-cnn', arch: 'cnn-small', data: 'digits', epochs: 10, batch: 128, lr: 0.1, earlyEpoch: 1 };
const fashionMlp: Setting = { id: 'fmnist-mlp', arch: 'mlp', data: 'fashion-mnist', trainSamples: 20000, evalSamples: 1000, epochs: 10, batch: 128, lr: 0.1, earlyEpoch: 1 };
// ResNet-20's Gaussian curves rise ~5x faster than the digits MLP's: λ₀ divided by 5 (docs/mining.md).
const fashionResnet: Setting = {
  id: 'fmnist-resnet20', arch: 'resnet20', data: 'fashion-mnist', trainSamples: 10000, evalSamples: 500, epochs: 4, batch: 128, lr: 0.1, earlyEpoch: 1,
  mine: { lambda0: { 'w-peak': 0.2, 'vvv-basin': 0.4 }, batch: 32, lr: { 'w-peak': 0.02, 'vvv-basin': 0.1 }, steps: { 'w-peak': 200, 'vvv-basin': 100 } },
};

export function budget(name: BudgetName): Budget {
  switch (name) {
    case 'tiny':
      return { name, settings: [{ ...digitsMlp, epochs: 2, evalSamples: 200 }], seeds: [0, 1], directions: 4, points: 11, gmiPoints: 9, traceSamples: 4, saveEvery: 1, mine: { restarts: 2, steps: 15, surfacePoints: 9 } };
    case 'quick':
      return { name, settings: [digitsMlp, digitsCnn], seeds: [0, 1], directions: 20, points: 31, gmiPoints: 21, traceSamples: 30, saveEvery: 1, mine: { restarts: 4, steps: 150, surfacePoints: 21 } };
    case 'full':
      return { name, settings: [digitsMlp, digitsMlpDecay, digitsCnn, fashionMlp, fashionResnet], seeds: [0, 1], directions: 20, points: 31, gmiPoints: 21, traceSamples: 20, saveEvery: 1, mine: { restarts: 4, steps: 150, surfacePoints: 15 } };
  }
}

/** Epochs whose checkpoints tr(H) is measured at: 1, 2, 5, 10, 20, 50, … up to the last (init and final are added). */
export function traceEpochs(epochs: number): number[] {
  const picked = new Set<number>();
  for (let p = 1; p <= epochs; p *= 10) for (const m of [1, 2, 5]) if (m * p <= epochs) picked.add(m * p);
  picked.add(epochs);
  return [...picked].sort((a, b) => a - b);
}
