// The few browser APIs the client uses, typed here so that the project keeps its Node-only lib (no "dom").
// Client modules import only types from here; their functions are serialised into the page (see bundle.ts).

export interface El {
  id: string;
  className: string;
  textContent: string | null;
  title: string;
  value: string;
  href: string;
  download: string;
  disabled: boolean;
  readonly dataset: Record<string, string | undefined>;
  readonly classList: { add(...c: string[]): void; remove(...c: string[]): void; toggle(c: string, force?: boolean): boolean; contains(c: string): boolean };
  readonly style: Record<string, string>;
  appendChild<T extends El>(child: T): T;
  append(...nodes: (El | string)[]): void;
  replaceChildren(...nodes: (El | string)[]): void;
  setAttribute(name: string, value: string): void;
  querySelectorAll(selector: string): ArrayLike<El>;
  querySelector(selector: string): El | null;
  addEventListener(type: string, listener: (ev: Ev) => void): void;
}

export interface Ev {
  target: El | null;
  preventDefault(): void;
}

export interface Doc {
  body: El;
  title: string;
  getElementById(id: string): El | null;
  createElement(tag: string): El;
}

export interface Win {
  document: Doc;
  location: { hash: string };
  addEventListener(type: string, listener: () => void): void;
  setInterval(fn: () => void, ms: number): unknown;
  fetch(url: string): Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;
}

export interface PlotlyApi {
  newPlot(el: El, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<unknown>;
  react(el: El, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<unknown>;
  purge(el: El): void;
}
