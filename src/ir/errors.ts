// The one base class of "the input is wrong" errors (a file, a flag, a spec, a data set): the CLI maps every
// InputError to exit 2 with its one-line message, anything else to exit 1 (internal error). It lives at the bottom
// layer so that every layer's error classes can extend it without importing upwards.
//
// Messages name options, never flags: `worded\`${option('loss', 'mse')} needs …\`` reads "loss mse needs …" as
// `message`, and a shell prints each mention its own way (the CLI: "--loss mse needs …", see messageWith).

/** An option of a job named inside a message; `text` is how core words it, `value` what the option was set to. */
export interface OptionMention {
  readonly option: string;
  readonly value?: string;
  readonly text: string;
}

/** A mention of `name` (e.g. 'loss'), with its value ('mse'); core's wording defaults to "name value". */
export function option(name: string, value?: string | number, text?: string): OptionMention {
  const v = value === undefined ? undefined : String(value);
  return { option: name, ...(v === undefined ? {} : { value: v }), text: text ?? (v === undefined ? name : `${name} ${v}`) };
}

type Part = string | OptionMention;

/** A message whose option mentions a shell can print as its flags. */
export class Worded {
  constructor(readonly parts: readonly Part[]) {}

  /** The message with each mention printed by `show` (core's own wording: `toString`). */
  with(show: (m: OptionMention) => string): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : show(p))).join('');
  }

  toString(): string {
    return this.with((m) => m.text);
  }
}

function isMention(v: unknown): v is OptionMention {
  return typeof v === 'object' && v !== null && typeof (v as OptionMention).option === 'string' && typeof (v as OptionMention).text === 'string';
}

/**
 * Tagged template for messages: option(...) values become mentions; a Worded or an InputError value keeps its
 * mentions (a wrapped error); every other value is interpolated as text.
 */
export function worded(strings: TemplateStringsArray, ...values: unknown[]): Worded {
  const parts: Part[] = [strings[0]!];
  values.forEach((v, i) => {
    if (isMention(v)) parts.push(v);
    else if (v instanceof Worded) parts.push(...v.parts);
    else if (v instanceof InputError && v.worded) parts.push(...v.worded.parts);
    else if (v instanceof Error) parts.push(v.message);
    else parts.push(String(v));
    parts.push(strings[i + 1]!);
  });
  return new Worded(parts);
}

/**
 * Bad input: the message names the offending file, field or value and says what was expected. Subclasses keep their
 * own `name`; this class sets none, so a subclass without one reports as 'Error', as before.
 */
export class InputError extends Error {
  /** The message with its option mentions, when it was built with `worded`. */
  declare readonly worded?: Worded;

  constructor(message?: string | Worded, options?: ErrorOptions) {
    super(message === undefined ? undefined : String(message), options);
    if (message instanceof Worded) this.worded = message;
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** An error's message with option mentions printed by `show` (a shell's flags); core's wording otherwise. */
export function messageWith(e: unknown, show: (m: OptionMention) => string): string {
  if (e instanceof InputError && e.worded) return e.worded.with(show);
  return e instanceof Error ? e.message : String(e);
}
