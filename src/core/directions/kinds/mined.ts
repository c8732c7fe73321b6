// mined:PATH: a direction found by `terrain mine`, loaded by the commands that accept one.
import { COMMON_OPTIONS, type Scaling } from '../scaling.js';
import { defineKind } from './kind.js';

export type MinedSpec = { kind: 'mined'; path: string } & Scaling;

export const mined = defineKind<MinedSpec>({
  kind: 'mined',
  arg: { form: 'path', missing: "'mined' needs a file path: mined:PATH" },
  options: COMMON_OPTIONS,
  likeTheta: false,
  syntax: 'mined:PATH',
  help: 'mined:PATH: a direction found by terrain mine',
  parse: (arg, _options, scaling) => ({ kind: 'mined', path: arg, ...scaling }),
  format: (spec, tail) => `mined:${spec.path}:${tail}`,
  async resolve(spec, ctx, r) {
    if (!ctx.mined) throw new Error(`direction '${r.text}' needs a mined direction, which this command cannot load; produce it with \`terrain mine\` and use a command that accepts mined directions`);
    return { raw: r.checked(await ctx.mined(spec.path), `mined direction ${spec.path}`), extra: { path: spec.path } };
  },
});
