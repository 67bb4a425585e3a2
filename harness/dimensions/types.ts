/**
 * The scenario space as data: a suite names the dimensions it spans (image size, upgrade mode, strategy …) and
 * their values, and the constraints that exclude a combination a board or a strategy cannot hold — each with the
 * reason, so the coverage report can say why a pair was not run instead of leaving a silent hole.
 */

export interface Dimension {
  /** Short and stable: it names the dimension in case ids, rows and reports (`size`, `strategy`). */
  readonly name: string;
  readonly title: string;
  readonly values: readonly string[];
}

/** One scenario's choice of a value in every dimension. */
export type Row = Readonly<Record<string, string>>;

export interface Constraint {
  /** The dimensions it reads: it is asked once all of them have a value, never about a partial choice. */
  readonly on: readonly string[];
  /** Why this combination cannot be built ("board X has no scratch partition"), or undefined when it can. */
  readonly excludes: (row: Row) => string | undefined;
}

export interface CoveringSpec {
  readonly dimensions: readonly Dimension[];
  readonly constraints?: readonly Constraint[];
  /** 1: every value appears in some row; 2: every pair of values of any two dimensions (pairwise). */
  readonly strength: 1 | 2;
  /** Groups of dimensions whose every combination is covered too (strength 3 over size × strategy × cut phase). */
  readonly groups?: readonly (readonly string[])[];
}

/** A combination of values the array must hold: one value each of a few dimensions. */
export interface Tuple {
  /** Dimension name → value, in the order of the spec's dimensions. */
  readonly values: Row;
}

export type TupleStatus =
  | { readonly tuple: Tuple; readonly status: 'covered'; readonly rows: readonly number[] }
  | { readonly tuple: Tuple; readonly status: 'excluded'; readonly reason: string }
  | { readonly tuple: Tuple; readonly status: 'missing' };

export class DimensionSpecError extends Error {
  override readonly name = 'DimensionSpecError';
}
