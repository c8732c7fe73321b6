// Curve taxonomy: classifyCurve for arrays, classifyResult for a curve result object.
export { classifyCurve, CURVE_TYPES, DEFAULT_CLASSIFY_OPTIONS } from './classify.js';
export type { ClassifyOptions, Classification, CurveFeatures, CurveType } from './classify.js';
export type { Basin, Barrier, ExtremumFeature, OriginPlacement, OriginSite } from './features.js';
export { findExtrema } from './extrema.js';
export type { Extremum, ExtremumKind } from './extrema.js';
export { classifyResult } from './result.js';
export { classifyWithErrors } from './uncertainty.js';
export type { UncertainClassification, UncertaintyOptions } from './uncertainty.js';
export type { CurveResult, ClassifiedCurveResult } from './result.js';
export { pairedStderr, lossCovariance, pairFromCovariance, PairedErrorError } from './paired.js';
export type { PairedPoint } from './paired.js';
