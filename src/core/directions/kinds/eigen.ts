// eigen:K: the K-th Hessian eigenvector (K = 1: largest eigenvalue), supplied by the commands that compute them.
import type { Scaling } from '../scaling.js';
import { suppliedKind } from './kind.js';

export type EigenSpec = { kind: 'eigen'; k: number } & Scaling;

export const eigen = suppliedKind<EigenSpec>({
  kind: 'eigen',
  arg: { form: 'first', missing: "'eigen' needs the eigenvector index: eigen:K with K = 1 for the top eigenvalue" },
  syntax: 'eigen:K',
  help: 'eigen:K: the K-th Hessian eigenvector (K = 1: largest eigenvalue)',
  parse(arg, _options, scaling, fail) {
    if (!/^[1-9]\d*$/.test(arg)) fail(`eigen index '${arg}' is not a positive integer (1 = top eigenvalue)`);
    return { kind: 'eigen', k: Number(arg), ...scaling };
  },
  format: (spec, tail) => `eigen:${spec.k}:${tail}`,
  supply: (spec, ctx) => ctx.eigenvector?.(spec.k),
  what: (spec) => `eigenvector ${spec.k}`,
  extra: (spec) => ({ eigenIndex: spec.k }),
  unsupported: (spec) => `needs Hessian eigenvectors, which this command does not compute; run \`terrain hessian\` with top ${spec.k} and pass its output, or use a command that provides them`,
});
