// `terrain classify RESULT.json` as a pure function: a curve result in, the same result with type and features out.

import { classifyCurve, type ClassifyOptions, type CurveFeatures, type CurveType } from './classify.js';
import { classifyWithErrors } from './uncertainty.js';

export interface CurveResult {
  kind: 'curve';
  lambdas: number[];
  loss: number[];
  accuracy?: number[];
  lossStderr?: number[];
  type?: CurveType;
  features?: CurveFeatures;
  [extra: string]: unknown;
}

export type ClassifiedCurveResult = CurveResult & { type: CurveType; features: CurveFeatures };

/**
 * Classifies a curve result (`{"kind":"curve","lambdas":[…],"loss":[…],…}`, parsed or as JSON text) and returns
 * a copy with `type` and `features` filled in; every other field is kept as it was. Any earlier type/features
 * are replaced. Throws, naming the field, when the object is not a curve result.
 */
export function classifyResult(json: unknown, options: ClassifyOptions = {}): ClassifiedCurveResult {
  const value = typeof json === 'string' ? parse(json) : json;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`classify: expected a curve result object, got ${describe(value)}`);
  }
  const record = value as Record<string, unknown>;
  if (record.kind !== 'curve') {
    throw new Error(`classify: field "kind" is ${JSON.stringify(record.kind)}, expected "curve" ` +
      '(surfaces and Hessian results have no curve type)');
  }
  const lambdas = numberArray(record, 'lambdas');
  const loss = numberArray(record, 'loss');
  // A --tolerance result carries per-sample errors: the type is then decided with them (uncertainty.ts).
  if (Array.isArray(record['lossSampleStderr'])) {
    // With the covariance of its points (shared samples), rises clear paired errors.
    const covariance = record['lossCovariance'] as number[][] | undefined;
    const c = classifyWithErrors(lambdas, loss, numberArray(record, 'lossSampleStderr'), { ...options, ...(covariance !== undefined ? { covariance } : {}) });
    return { ...(record as CurveResult), type: c.type, features: c.features, typeConfidence: c.typeConfidence, uncertain: c.uncertain };
  }
  const { type, features } = classifyCurve(lambdas, loss, options);
  return { ...(record as CurveResult), type, features };
}

function numberArray(record: Record<string, unknown>, field: string): number[] {
  const v = record[field];
  if (!Array.isArray(v)) throw new Error(`classify: field "${field}" is ${describe(v)}, expected an array of numbers`);
  v.forEach((x, i) => {
    if (typeof x !== 'number') {
      throw new Error(`classify: ${field}[${i}] is ${describe(x)}, expected a number` +
        (x === null ? ' (NaN and Infinity are written as null in JSON: the evaluation diverged there)' : ''));
    }
  });
  return v as number[];
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new Error(`classify: the result is not valid JSON (${(e as Error).message})`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
