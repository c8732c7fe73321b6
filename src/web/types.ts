// What the report and the served app show: plain JSON, built in Node, drawn by the client with Plotly.

/** One Plotly figure as data (traces and layout), exactly what Plotly.newPlot takes. */
export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

/** A figure with alternative views (loss / accuracy, contour variants …) chosen by toggle buttons. */
export interface Panel {
  id: string;
  title: string;
  /** 'gl3d' panels hold a WebGL scene (rotatable 3-D surface). */
  kind: '2d' | 'gl3d';
  views: { label: string; figure: Figure }[];
  note?: string;
}

export interface Badge {
  text: string;
  /** A CSS class suffix: the taxonomy type for curves, else 'info' | 'warn' | 'state'. */
  tone: string;
  title?: string;
}

/** 'error': the directory could not be read at all (the message is in its warnings); other runs are unaffected. */
export type RunState = 'done' | 'running' | 'incomplete' | 'error';

export interface Progress {
  done: number;
  total: number;
  /** A --tolerance run in progress: the pass reached (1 = every point on its first block) and blocks evaluated. */
  pass?: number;
  blocks?: number;
}

/** What the run list shows: enough to pick, compare and watch a run. */
export interface RunSummary {
  /** The run directory relative to the scanned root, '/'-separated ('' for the root itself). */
  id: string;
  name: string;
  /** run.json kind (curve, surface, hessian, …), 'train' for a training directory. */
  kind: string;
  state: RunState;
  progress?: Progress;
  badges: Badge[];
  /** Formats the server can export for this run (csv, npy, vtp, png, json). */
  downloads: string[];
}

export interface RunView extends RunSummary {
  /** Absolute directory on the machine that made the view. */
  path: string;
  /** run.json (or train.json's config and meta): how the numbers were made. */
  provenance: unknown;
  /** Top-level scalars of the result (numbers, short strings), for the summary table. */
  scalars: [string, string][];
  panels: Panel[];
  /** Problems met while reading the directory (unreadable file, unknown layout); shown, never fatal. */
  warnings: string[];
}

/** Everything a self-contained report embeds. */
export interface ReportData {
  title: string;
  generated: string;
  version: string;
  overview: Panel[];
  runs: RunView[];
}
