import { tubeCid } from '../../core/cid.ts';
import type { TubeProblem } from '../../core/tube/errors.ts';
import { type TubeGraphNode, tubeGraph } from './tube-graph.ts';
import type { CheckedTube, RegisteredIdentity, TubeSourceOptions } from './tube-source.ts';

/**
 * What the job API needs of a checked tube: the text the job stores, its noob_id, which
 * registered tube it is (if one), and its node count (for the per-job task limit). Plain
 * data, so that a check made on another thread can give it.
 */
export interface TubeCheckSummary {
  text: string;
  id: string;
  /** The tube's CID as it will run (see `tubeCid`): a job says which tube it runs by it. */
  cid: string;
  nodeCount: number;
  registered?: RegisteredIdentity;
  /** Its nodes and what they depend on (the dashboard's graph of a job). */
  graph: TubeGraphNode[];
  /**
   * Set when the check depends on nothing but the tube's text (its registered file's, if
   * one), the inputs and NOOB_TUBE_PATH: it may be answered again without checking, for
   * as long as the file stays the same (see `TubeCheckAnswers`).
   */
  reusable?: true;
}

/** Checks submitted tubes for the job API (see `TubeCheckPool`, `tubeChecker`). */
export interface TubeChecker {
  /**
   * The checked tube, or the `TubeLoadError` naming its problems; `TubeCheckBusyError`
   * when `tenant` already has as many checks waiting as it may.
   */
  check(tenant: string, tube: string, inputs: Record<string, unknown>): Promise<TubeCheckSummary>;
  /** Stops checking; checks under way fail. */
  close(): Promise<void>;
}

/** The options a check thread is built with: those of {@link TubeSourceOptions} that are data. */
export interface TubeCheckSetup {
  options: Omit<TubeSourceOptions, 'registry'>;
}

/** What a thread says once it has loaded and can check. */
export interface TubeCheckReady {
  ready: true;
}

/** One check asked of a thread. */
export interface TubeCheckRequest {
  id: number;
  tube: string;
  inputs: Record<string, unknown>;
  /** The API's NOOB_TUBE_PATH now (a thread's environment is a copy made when it started). */
  tubePath: string | undefined;
}

/** A thread's answer: the summary, or the error as data (a `TubeLoadError` keeps its problems). */
export type TubeCheckAnswer =
  | { id: number; ok: true; checked: TubeCheckSummary }
  | {
      id: number;
      ok: false;
      error: {
        name: string;
        message: string;
        shortMessage: string;
        file?: string;
        problems?: TubeProblem[];
      };
    };

/** A checked tube as its {@link TubeCheckSummary}. */
export function summarize(checked: CheckedTube): TubeCheckSummary {
  return {
    text: checked.text,
    id: checked.id,
    cid: tubeCid(checked.tube),
    nodeCount: checked.tube.nodes.length,
    graph: tubeGraph(checked.tube),
    ...(checked.registered ? { registered: checked.registered } : {}),
  };
}
