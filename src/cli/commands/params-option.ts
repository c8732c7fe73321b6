// --params REGEX, shared by curve, surface, gmi, mine, layers and sharpness: checked against the model's tensor names
// before any work, so that a typo is exit 2 naming the tensors there are.
import { selectParams, type ParamSelection } from '../../core/directions/param-subset.js';
import type { ParamLayout } from '../../core/params.js';
import { usageErrorOf } from '../errors.js';

export const PARAMS_HELP = 'move only the parameter tensors whose names match this regular expression (e.g. "^layer3\\\\." or "fc"); the rest of every direction is 0, normalisation applies inside the subset';

export function paramsSelection(layout: ParamLayout, pattern: string | undefined): ParamSelection | undefined {
  if (pattern === undefined) return undefined;
  try {
    return selectParams(layout, pattern);
  } catch (e) {
    throw usageErrorOf(e);
  }
}
