/**
 * The swap-type decision from the two trailers of one image (MCUboot `boot_swap_type_multi`, FORMATS §3.2).
 * The one table: first matching row wins; `any` matches every state (BAD included).
 */
import type { SwapType, TrailerState } from './types.ts';

type Magic = TrailerState['magic'] | 'any';
type Flag = TrailerState['imageOk'] | 'any';

interface DecisionRow {
  readonly label: string;
  readonly primary: { readonly magic: Magic; readonly imageOk: Flag; readonly copyDone: Flag };
  readonly secondary: { readonly magic: Magic; readonly imageOk: Flag; readonly copyDone: Flag };
  readonly result: SwapType;
  /** Row I exists only in swap-offset builds, which also look at the secondary's copy_done. */
  readonly swapOffsetOnly?: boolean;
}

const ANY = { magic: 'any', imageOk: 'any', copyDone: 'any' } as const;

export const DECISION_TABLE: readonly DecisionRow[] = [
  {
    label: 'I',
    primary: ANY,
    secondary: { magic: 'good', imageOk: 'unset', copyDone: 'set' },
    result: 'revert',
    swapOffsetOnly: true,
  },
  { label: 'II', primary: ANY, secondary: { magic: 'good', imageOk: 'unset', copyDone: 'any' }, result: 'test' },
  { label: 'III', primary: ANY, secondary: { magic: 'good', imageOk: 'set', copyDone: 'any' }, result: 'perm' },
  // Row IV's secondary magic is "any" since mcu-tools/mcuboot #1966: a revert whose secondary magic was torn
  // must still resume.
  { label: 'IV', primary: { magic: 'good', imageOk: 'unset', copyDone: 'set' }, secondary: ANY, result: 'revert' },
];

const matches = (want: string, have: string): boolean => want === 'any' || want === have;

function rowMatches(row: DecisionRow, primary: TrailerState, secondary: TrailerState): boolean {
  return (
    matches(row.primary.magic, primary.magic) &&
    matches(row.primary.imageOk, primary.imageOk) &&
    matches(row.primary.copyDone, primary.copyDone) &&
    matches(row.secondary.magic, secondary.magic) &&
    matches(row.secondary.imageOk, secondary.imageOk) &&
    matches(row.secondary.copyDone, secondary.copyDone)
  );
}

export function decideSwapType(primary: TrailerState, secondary: TrailerState, swapOffset: boolean): SwapType {
  for (const row of DECISION_TABLE) {
    if (row.swapOffsetOnly === true && !swapOffset) continue;
    if (rowMatches(row, primary, secondary)) return row.result;
  }
  return 'none';
}
