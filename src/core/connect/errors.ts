import { InputError } from '../../ir/errors.js';

/** Bad input to connect / plane / a curve point (DIR@t=…): the message names the flag or file and the fix. */
export class ConnectError extends InputError {
  override name = 'ConnectError';
}
