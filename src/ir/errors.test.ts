// Option mentions: core's message names the option, a shell prints its own flag; wrapping keeps the mentions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, isInputError, messageWith, option, worded } from './errors.js';

class DemoError extends InputError {
  override name = 'DemoError';
}

const flag = (m: { option: string; value?: string }): string => `--${m.option}${m.value === undefined ? '' : ` ${m.value}`}`;

test('a worded message reads with core\'s names as message, and with the shell\'s flags through messageWith', () => {
  const e = new DemoError(worded`${option('loss', 'mse')} needs targets; use ${option('bn', 'perturb', "BN mode 'perturb'")} or drop ${option('queue')} (${3} left)`);
  assert.equal(e.message, "loss mse needs targets; use BN mode 'perturb' or drop queue (3 left)");
  assert.equal(messageWith(e, flag), '--loss mse needs targets; use --bn perturb or drop --queue (3 left)');
  assert.equal(String(e), "DemoError: loss mse needs targets; use BN mode 'perturb' or drop queue (3 left)");
  assert.ok(isInputError(e));
});

test('wrapping an input error in a worded message keeps its mentions; other errors and strings are text', () => {
  const inner = new DemoError(worded`${option('weights', 'w.pt')}: no such file`);
  const outer = new DemoError(worded`${option('model')} ${inner}; and ${new Error('plain')}`);
  assert.equal(outer.message, 'model weights w.pt: no such file; and plain');
  assert.equal(messageWith(outer, flag), '--model --weights w.pt: no such file; and plain');
  // A plain string message, or a non-input error, is printed as it is.
  assert.equal(messageWith(new DemoError('as given --x'), flag), 'as given --x');
  assert.equal(messageWith(new Error('internal'), flag), 'internal');
  assert.equal(messageWith('text', flag), 'text');
});
