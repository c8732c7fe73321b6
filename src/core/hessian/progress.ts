// Optional progress reports from the iterative algorithms, shaped for a CLI progress bar.

export interface ProgressStep {
  /** 1-based count of the unit of work the algorithm repeats (samples, Lanczos steps, matvecs). */
  iteration: number;
  /** Planned number of iterations when known in advance (absent for Lanczos, which stops on convergence). */
  total?: number;
  /**
   * The current estimate: running trace mean, leading Ritz value, Rayleigh quotient, mean eigenvalue
   * (SLQ); NaN while none exists yet (Hutch++ sketch, SLQ's first run).
   */
  estimate: number;
}

export type ProgressCallback = (step: ProgressStep) => void;
