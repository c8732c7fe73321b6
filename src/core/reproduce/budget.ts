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
  /** The checkpoint after this epoch is the "early" one of the negative-gradient claim. */
  earlyEpoch: number;
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
  /** Save a checkpoint every N epochs (tr(H) over training reads them). */
  saveEvery: number;
}

const digitsMlp: Setting = { id: 'digits-mlp', arch: 'mlp', data: 'digits', epochs: 20, batch: 128, lr: 0.1, earlyEpoch: 1 };
const digitsCnn: Setting = { id: 'digits-cnn', arch: 'cnn-small', data: 'digits', epochs: 10, batch: 128, lr: 0.1, earlyEpoch: 1 };
const fashionMlp: Setting = { id: 'fmnist-mlp', arch: 'mlp', data: 'fashion-mnist', trainSamples: 20000, evalSamples: 2000, epochs: 15, batch: 128, lr: 0.1, earlyEpoch: 1 };
const fashionResnet: Setting = { id: 'fmnist-resnet20', arch: 'resnet20', data: 'fashion-mnist', trainSamples: 10000, evalSamples: 1000, epochs: 10, batch: 128, lr: 0.1, earlyEpoch: 1 };

export function budget(name: BudgetName): Budget {
  switch (name) {
    case 'tiny':
      return { name, settings: [{ ...digitsMlp, epochs: 3, evalSamples: 300 }], seeds: [0, 1], directions: 4, points: 11, traceSamples: 4, saveEvery: 1 };
    case 'quick':
      return { name, settings: [digitsMlp, digitsCnn], seeds: [0, 1], directions: 20, points: 31, traceSamples: 30, saveEvery: 1 };
    case 'full':
      return { name, settings: [digitsMlp, digitsCnn, fashionMlp, fashionResnet], seeds: [0, 1], directions: 30, points: 41, traceSamples: 50, saveEvery: 1 };
  }
}
