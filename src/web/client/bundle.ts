// The client as one script: every function the client modules export, serialised with Function.prototype.toString
// and placed side by side, so they call each other by name as they do in the modules. That is why client modules
// import only types and keep no module-level values: such values would not travel. bundle.test.ts checks this.
import * as app from './app.js';
import * as render from './render.js';
import * as source from './source.js';

export const CLIENT_MODULES = { app, render, source };

export function clientFunctions(): ((...args: never[]) => unknown)[] {
  return Object.values(CLIENT_MODULES).flatMap((m) => Object.values(m).filter((v): v is (...args: never[]) => unknown => typeof v === 'function'));
}

/** The script text; `entry` is appended inside the same scope (it calls boot). */
export function clientScript(entry: string): string {
  const body = clientFunctions().map((f) => f.toString()).join('\n\n');
  return `(function () {\n'use strict';\n${body}\n\n${entry}\n})();`;
}
