// Data spec strings, shared with the CLI's --data flag:
//   digits | fashion-mnist[:DIR] | mnist:DIR | cifar10:DIR | cifar100:DIR[:coarse|:fine] | npy:X.npy,Y.npy | npz:FILE.npz

import type { Cifar100Labels } from './cifar.js';
import { option, worded } from '../../ir/errors.js';
import { DataError } from './errors.js';
import { FASHION_MNIST_DIR } from './mnist.js';

export type DataSpec =
  | { kind: 'digits' }
  | { kind: 'fashion-mnist'; dir: string }
  | { kind: 'mnist'; dir: string }
  | { kind: 'cifar10'; dir: string }
  | { kind: 'cifar100'; dir: string; labels: Cifar100Labels }
  | { kind: 'npy'; x: string; y: string }
  | { kind: 'npz'; file: string };

export const DATA_SPEC_FORMS =
  'digits, fashion-mnist[:DIR], mnist:DIR, cifar10:DIR, cifar100:DIR[:coarse], npy:X.npy,Y.npy or npz:FILE.npz';

export function parseDataSpec(spec: string): DataSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? undefined : spec.slice(colon + 1);
  const need = (what: string): string => {
    if (rest === undefined || rest.trim() === '') throw new DataError(`data '${spec}': ${kind} needs ${what}, e.g. ${kind}:${what}`);
    return rest;
  };
  switch (kind) {
    case 'digits':
      if (rest !== undefined) throw new DataError(worded`data '${spec}': digits is bundled and takes no argument (use ${option('data', 'digits')})`);
      return { kind };
    case 'fashion-mnist':
      return { kind, dir: rest === undefined || rest === '' ? FASHION_MNIST_DIR : rest };
    case 'mnist':
    case 'cifar10':
      return { kind, dir: need('DIR') };
    case 'cifar100': {
      const value = need('DIR');
      const m = /^(.*):(coarse|fine)$/.exec(value);
      return m ? { kind, dir: m[1]!, labels: m[2] as Cifar100Labels } : { kind, dir: value, labels: 'fine' };
    }
    case 'npy': {
      const parts = need('X.npy,Y.npy').split(',');
      if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
        throw new DataError(`data '${spec}': npy needs two files separated by a comma, npy:X.npy,Y.npy`);
      }
      return { kind, x: parts[0]!, y: parts[1]! };
    }
    case 'npz':
      return { kind, file: need('FILE.npz') };
    default:
      throw new DataError(`unknown data '${spec}': expected ${DATA_SPEC_FORMS}`);
  }
}

/** The canonical string of a spec (parseDataSpec(formatDataSpec(s)) equals s). */
export function formatDataSpec(spec: DataSpec): string {
  switch (spec.kind) {
    case 'digits': return 'digits';
    case 'fashion-mnist': case 'mnist': case 'cifar10': return `${spec.kind}:${spec.dir}`;
    case 'cifar100': return `cifar100:${spec.dir}${spec.labels === 'coarse' ? ':coarse' : ''}`;
    case 'npy': return `npy:${spec.x},${spec.y}`;
    case 'npz': return `npz:${spec.file}`;
  }
}
