// Learning-rate schedules, evaluated per optimisation step.

export type ScheduleName = 'constant' | 'cosine' | 'step';

export const SCHEDULES: readonly ScheduleName[] = ['constant', 'cosine', 'step'];

/** lr at `step` of `totalSteps`: cosine anneals to 0 (PyTorch CosineAnnealingLR with T_max = total steps); step ×0.1 at 50% and 75%. */
export function learningRate(name: ScheduleName, base: number, step: number, totalSteps: number): number {
  switch (name) {
    case 'constant':
      return base;
    case 'cosine':
      return 0.5 * base * (1 + Math.cos((Math.PI * Math.min(step, totalSteps)) / Math.max(1, totalSteps)));
    case 'step': {
      const f = step / Math.max(1, totalSteps);
      return base * (f >= 0.75 ? 0.01 : f >= 0.5 ? 0.1 : 1);
    }
  }
}
