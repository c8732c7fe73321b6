// mined:PATH: a direction found by `terrain mine`, loaded by the commands that accept one.
import type { Scaling } from '../scaling.js';
import { suppliedKind } from './kind.js';

export type MinedSpec = { kind: 'mined'; path: string } & Scaling;

export const mined = suppliedKind<MinedSpec>({
  kind: 'mined',
  arg: { form: 'path', missing: "'mined' needs a file path: mined:PATH" },
  syntax: 'mined:PATH',
  help: 'mined:PATH: a direction found by terrain mine',
  parse: (arg, _options, scaling) => ({ kind: 'mined', path: arg, ...scaling }),
  format: (spec, tail) => `mined:${spec.path}:${tail}`,
  supply: (spec, ctx) => ctx.mined?.(spec.path),
  what: (spec) => `mined direction ${spec.path}`,
  extra: (spec) => ({ path: spec.path }),
  unsupported: () => 'needs a mined direction, which this command cannot load; produce it with `terrain mine` and use a command that accepts mined directions',
});
