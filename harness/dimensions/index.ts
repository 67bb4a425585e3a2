export { type CoveringArray, coveringArray } from './covering.ts';
export { type Constraint, type CoveringSpec, type Dimension, DimensionSpecError, type Row, type Tuple, type TupleStatus } from './types.ts';
