/**
 * The data the kernel sends (see workbench/frontend.py, which documents the same shapes).
 */

/** The MIME type of a graph's JSON, next to its text/html SVG in every bundle. */
export const GRAPH_MIME = 'application/vnd.workbench.graph+json';

/** The comm target `%load_ext workbench` registers in the kernel. */
export const COMM_TARGET = 'workbench';

export interface IParameter {
  key: string;
  name: string;
  default: string | null;
  required: boolean;
  description: string | null;
}

/** Counts and latency of one step in the last run (zero counts are left out). */
export interface IStepStats {
  [count: string]: number | null | undefined;
  received?: number;
  emitted?: number;
  calls?: number;
  mean_latency_us?: number | null;
  p99_latency_us?: number | null;
}

export interface IGraphNode {
  name: string;
  kind: string;
  module: string | null;
  x: number;
  y: number;
  colour: string;
  parameters: IParameter[];
  stats: IStepStats | null;
}

export interface IGraphEdge {
  source: string;
  target: string;
  arm: boolean | null;
}

export interface IOperator {
  reference: string;
  kinds: string[];
  api: string | null;
  mode: 'wasm' | 'native';
  size_bytes: number | null;
  build_seconds: number | null;
  cache_hit: boolean | null;
  deployable: boolean | null;
  config: { [key: string]: string };
  source?: string | null;
}

export interface IRunSummary {
  inputs: number;
  outputs: number;
  late: number;
  failed: number;
  seconds: number;
}

export interface IGraphData {
  version: number;
  name: string;
  graph_version: string;
  api: string;
  width: number;
  height: number;
  node_width: number;
  node_height: number;
  nodes: IGraphNode[];
  edges: IGraphEdge[];
  /** Module reference as the graph writes it → the session's compiled module. */
  operators: { [module: string]: IOperator };
  run: IRunSummary | null;
}

export interface IGraphEntry {
  name: string;
  steps: number;
  connections: number;
  api: string;
  modules: string[];
}

export interface IRunEntry extends IRunSummary {
  index: number;
  graph: string;
  finished: boolean;
}

export interface IListing {
  operators: IOperator[];
  graphs: IGraphEntry[];
  runs: IRunEntry[];
}

/** Kernel → panel messages. */
export type KernelMessage =
  | ({ event: 'listing'; reason: string } & IListing)
  | { event: 'graph'; name: string; data: IGraphData }
  | { event: 'error'; message: string };

/** Panel → kernel requests. */
export type PanelRequest = { request: 'refresh' } | { request: 'graph'; name: string };
