// How a raw vector becomes a direction (per-tensor/filter rescaling, 1-D tensor policy, final factor): the option
// vocabulary every direction kind shares. Apart from spec.ts so that the kinds (kinds/*.ts) can use it without a cycle.

// 'weight', 'dfilter' and 'dlayer' are loss-landscape's (Li et al. 2018) other normalisations, 'copy' its 1-D policy
// without --xignore biasbn (docs/directions.md maps every LL option onto these).
export const NORM_MODES = ['filter', 'layer', 'norm', 'none', 'weight', 'dfilter', 'dlayer'] as const;
export const BIAS_BN_MODES = ['zero', 'keep', 'norm', 'copy'] as const;
/** LL's dir_type: 'states' extends the direction to the BN running statistics (applied in BN mode 'perturb'). */
export const DIR_TYPES = ['weights', 'states'] as const;

export type NormMode = (typeof NORM_MODES)[number];
export type BiasBnMode = (typeof BIAS_BN_MODES)[number];
export type DirType = (typeof DIR_TYPES)[number];

/** How a raw vector becomes the direction: per-tensor/filter rescaling, 1-D tensor policy, final factor. */
export interface Scaling {
  norm: NormMode;
  biasBn: BiasBnMode;
  scale: number;
  /** Present only for a states direction (`type=states`), so that every weights spec reads and prints as before. */
  dirType?: 'states';
}

/** The options every kind takes. */
export const COMMON_OPTIONS = ['norm', 'bias-bn', 'scale'] as const;

/** Random and gradient directions are rescaled like θ (Li et al. 2018); the others are used as they are. */
export const LIKE_THETA: Readonly<Scaling> = { norm: 'filter', biasBn: 'zero', scale: 1 };
export const AS_IS: Readonly<Scaling> = { norm: 'none', biasBn: 'keep', scale: 1 };
