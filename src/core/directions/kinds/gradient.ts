// gradient: −∇L at θ, rescaled like θ; the command supplies the gradient (it needs a model and data).
import { COMMON_OPTIONS, type Scaling } from '../scaling.js';
import { defineKind } from './kind.js';

export type GradientSpec = { kind: 'gradient' } & Scaling;

export const gradient = defineKind<GradientSpec>({
  kind: 'gradient',
  arg: { form: 'none' },
  options: COMMON_OPTIONS,
  likeTheta: true,
  syntax: 'gradient[:norm=…][:bias-bn=…]',
  help: 'gradient: the negative loss gradient at θ, rescaled like θ',
  parse: (_arg, _options, scaling) => ({ kind: 'gradient', ...scaling }),
  format: (_spec, tail) => `gradient:${tail}`,
  async resolve(_spec, ctx, r) {
    if (!ctx.gradient) throw new Error(`direction '${r.text}' needs the loss gradient at θ; this command does not provide one (it needs a model and data)`);
    const g = r.checked(await ctx.gradient(), 'gradient');
    return { raw: { layout: g.layout, data: g.data.map((v) => -v) } };
  },
});
