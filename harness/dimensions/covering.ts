/**
 * A deterministic covering-array generator. Every required tuple (each value, each pair of values, each
 * combination of a group's dimensions) that the constraints allow ends up in some row; a tuple no valid row can
 * hold is reported as excluded with the reason. Rows are built greedily (AETG-style): start from an uncovered
 * tuple, give each other dimension the value that covers the most uncovered tuples, and backtrack when the
 * constraints leave a dimension no value. The same spec and seed always give the same rows.
 */
import { Prng } from '../../emulator/common/prng.ts';
import { type Constraint, type CoveringSpec, DimensionSpecError, type Row, type Tuple, type TupleStatus } from './types.ts';

/** A tuple as (dimension index, value index) pairs, sorted by dimension. */
type Cells = readonly (readonly [number, number])[];

export interface CoveringArray {
  readonly rows: readonly Row[];
  /** Every tuple the spec requires, with how it was settled. */
  readonly tuples: readonly TupleStatus[];
}

export function coveringArray(spec: CoveringSpec, seed: number): CoveringArray {
  const space = new Space(spec);
  const random = new Prng(`covering|${seed}`);
  const required = requiredTuples(space);
  const excluded = new Map<string, string>();
  const open: Cells[] = [];
  for (const cells of required) {
    const reason = space.excludedBy(cells);
    if (reason === undefined) open.push(cells);
    else excluded.set(key(cells), reason);
  }
  shuffle(open, random);
  const uncovered = new Set(open.map(key));
  const byCell = indexByCell(open);
  const rows: number[][] = [];
  for (const start of open) {
    if (!uncovered.has(key(start))) continue;
    const row = space.complete(start, (d, v, partial) => gain(byCell, uncovered, d, v, partial), random);
    if (row === 'budget') {
      uncovered.delete(key(start));
      continue;
    }
    if (row === 'none') {
      uncovered.delete(key(start));
      excluded.set(key(start), `no row can hold it: every choice of the other dimensions is excluded (${space.lastReason ?? 'constraints'})`);
      continue;
    }
    rows.push(row);
    for (const cells of open) if (uncovered.has(key(cells)) && holds(row, cells)) uncovered.delete(key(cells));
  }
  const tuples: TupleStatus[] = required.map((cells) => {
    const tuple = space.tuple(cells);
    const reason = excluded.get(key(cells));
    if (reason !== undefined) return { tuple, status: 'excluded', reason };
    const holding = rows.flatMap((row, i) => (holds(row, cells) ? [i] : []));
    return holding.length > 0 ? { tuple, status: 'covered', rows: holding } : { tuple, status: 'missing' };
  });
  return { rows: rows.map((row) => space.row(row)), tuples };
}

/** The tuples a spec requires: each value (strength 1), each pair (2), and every combination of each group. */
function requiredTuples(space: Space): Cells[] {
  const { spec } = space;
  const seen = new Set<string>();
  const out: Cells[] = [];
  const add = (dims: readonly number[]) => {
    for (const cells of space.combinations(dims)) {
      const k = key(cells);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(cells);
      }
    }
  };
  const n = spec.dimensions.length;
  for (let a = 0; a < n; a++) {
    if (spec.strength === 1 || n === 1) add([a]);
    else for (let b = a + 1; b < n; b++) add([a, b]);
  }
  for (const group of spec.groups ?? []) add(group.map((name) => space.dimIndex(name)).sort((x, y) => x - y));
  return out;
}

/** Choices one row's search may try before it gives up (the tuple is then reported missing, never hidden). */
const SEARCH_BUDGET = 20_000;

/** The dimensions and constraints, by index. */
class Space {
  readonly spec: CoveringSpec;
  /** Per dimension: the constraints that are complete once it and every dimension before it have a value. */
  private readonly constraintDims: { constraint: Constraint; dims: number[] }[];
  private readonly constrained: Set<number>;
  lastReason: string | undefined;

  constructor(spec: CoveringSpec) {
    this.spec = spec;
    const names = new Set<string>();
    for (const d of spec.dimensions) {
      if (names.has(d.name)) throw new DimensionSpecError(`dimension '${d.name}' is declared twice`);
      if (d.values.length === 0) throw new DimensionSpecError(`dimension '${d.name}' has no values`);
      if (new Set(d.values).size !== d.values.length) throw new DimensionSpecError(`dimension '${d.name}' repeats a value`);
      names.add(d.name);
    }
    this.constraintDims = (spec.constraints ?? []).map((constraint) => ({
      constraint,
      dims: constraint.on.map((name) => this.dimIndex(name)),
    }));
    this.constrained = new Set(this.constraintDims.flatMap(({ dims }) => dims));
    for (const group of spec.groups ?? []) {
      if (group.length === 0 || new Set(group).size !== group.length) {
        throw new DimensionSpecError(`group [${group.join(', ')}] must name distinct dimensions`);
      }
      for (const name of group) this.dimIndex(name);
    }
  }

  dimIndex(name: string): number {
    const i = this.spec.dimensions.findIndex((d) => d.name === name);
    if (i < 0) throw new DimensionSpecError(`unknown dimension '${name}' (known: ${this.spec.dimensions.map((d) => d.name).join(', ')})`);
    return i;
  }

  *combinations(dims: readonly number[]): Generator<Cells> {
    const sizes = dims.map((d) => this.spec.dimensions[d].values.length);
    const at = dims.map(() => 0);
    while (true) {
      yield dims.map((d, i) => [d, at[i]] as const);
      let i = dims.length - 1;
      while (i >= 0 && ++at[i] === sizes[i]) at[i--] = 0;
      if (i < 0) return;
    }
  }

  /** The first reason a constraint gives against the assigned dimensions (-1 = unassigned), or undefined. */
  violation(partial: readonly number[]): string | undefined {
    for (const { constraint, dims } of this.constraintDims) {
      if (dims.some((d) => partial[d] < 0)) continue;
      const reason = constraint.excludes(this.row(partial, dims));
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  /**
   * Forward checking: the reason some dimension still to choose (free[from…]) has no value left that the
   * constraints allow with the choices made, or undefined. It cuts a dead branch at once instead of under it.
   */
  private deadEnd(partial: number[], free: readonly number[], from: number): string | undefined {
    for (let i = from; i < free.length; i++) {
      const d = free[i];
      let first: string | undefined;
      let open = false;
      for (let v = 0; v < this.spec.dimensions[d].values.length && !open; v++) {
        partial[d] = v;
        const reason = this.violation(partial);
        if (reason === undefined) open = true;
        else first ??= reason;
      }
      partial[d] = -1;
      if (!open) return first;
    }
    return undefined;
  }

  /** A reason a constraint reading only the tuple's dimensions excludes it. */
  excludedBy(cells: Cells): string | undefined {
    return this.violation(this.partialOf(cells));
  }

  /**
   * A full row holding `start` that no constraint excludes, each dimension given its best-scoring value first;
   * 'none' when none exists (the search backtracked through every choice), 'budget' when the search gave up.
   */
  complete(
    start: Cells,
    score: (d: number, v: number, partial: readonly number[]) => number,
    random: Prng,
  ): number[] | 'none' | 'budget' {
    const partial = this.partialOf(start);
    // Constrained dimensions first: once they hold a valid choice the others cannot fail, so a tuple no row can
    // hold is found without walking the whole product.
    const open = shuffle(
      partial.flatMap((v, d) => (v < 0 ? [d] : [])),
      random,
    );
    const free = [...open.filter((d) => this.constrained.has(d)), ...open.filter((d) => !this.constrained.has(d))];
    this.lastReason = undefined;
    let budget = SEARCH_BUDGET;
    const search = (i: number): boolean => {
      if (i === free.length) return true;
      if (--budget < 0) return false;
      const d = free[i];
      const choices = this.spec.dimensions[d].values.map((_, v) => ({ v, s: score(d, v, partial), r: random.nextU32() }));
      choices.sort((a, b) => b.s - a.s || a.r - b.r);
      for (const { v } of choices) {
        partial[d] = v;
        const reason = this.violation(partial) ?? this.deadEnd(partial, free, i + 1);
        if (reason === undefined && search(i + 1)) return true;
        this.lastReason ??= reason;
      }
      partial[d] = -1;
      return false;
    };
    const reason = this.violation(partial) ?? this.deadEnd(partial, free, 0);
    this.lastReason = reason;
    if (reason === undefined && search(0)) return partial;
    return budget < 0 ? 'budget' : 'none';
  }

  partialOf(cells: Cells): number[] {
    const partial = this.spec.dimensions.map(() => -1);
    for (const [d, v] of cells) partial[d] = v;
    return partial;
  }

  row(values: readonly number[], dims: readonly number[] = values.map((_, d) => d)): Row {
    const out: Record<string, string> = {};
    for (const d of dims) out[this.spec.dimensions[d].name] = this.spec.dimensions[d].values[values[d]];
    return out;
  }

  tuple(cells: Cells): Tuple {
    return { values: this.row(this.partialOf(cells), cells.map(([d]) => d)) };
  }
}

/** How many uncovered tuples giving dimension `d` the value `v` would complete, given the assigned dimensions. */
function gain(byCell: Map<string, Cells[]>, uncovered: Set<string>, d: number, v: number, partial: readonly number[]): number {
  let n = 0;
  for (const cells of byCell.get(`${d}:${v}`) ?? []) {
    if (!uncovered.has(key(cells))) continue;
    if (cells.every(([cd, cv]) => cd === d || partial[cd] === cv)) n++;
  }
  return n;
}

function indexByCell(tuples: readonly Cells[]): Map<string, Cells[]> {
  const index = new Map<string, Cells[]>();
  for (const cells of tuples) {
    for (const [d, v] of cells) {
      const list = index.get(`${d}:${v}`);
      if (list) list.push(cells);
      else index.set(`${d}:${v}`, [cells]);
    }
  }
  return index;
}

function holds(row: readonly number[], cells: Cells): boolean {
  return cells.every(([d, v]) => row[d] === v);
}

const keys = new WeakMap<Cells, string>();

function key(cells: Cells): string {
  let k = keys.get(cells);
  if (k === undefined) {
    k = cells.map(([d, v]) => `${d}:${v}`).join(',');
    keys.set(cells, k);
  }
  return k;
}

function shuffle<T>(items: T[], random: Prng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
