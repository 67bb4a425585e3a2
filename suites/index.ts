/** The built-in suites, in the order `bootproof suites` lists them and `run all` runs them. */
import type { Suite } from '../harness/suite.ts';
import bitRot from './bit-rot.ts';
import corruptImage from './corrupt-image.ts';
import keys from './keys.ts';
import multiImage from './multi-image.ts';
import powerLoss from './power-loss.ts';
import powerLossDouble from './power-loss-double.ts';
import revert from './revert.ts';
import rollback from './rollback.ts';

export const BUILTIN_SUITES: readonly Suite[] = [
  powerLoss,
  powerLossDouble,
  corruptImage,
  bitRot,
  keys,
  rollback,
  revert,
  multiImage,
];
