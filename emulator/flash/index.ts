export { EccFault, type FlashRule, FlashRuleViolation, PowerCut } from './errors.ts';
export { FlashGeometryError, type FlashSnapshot, NorFlash, type NorFlashOptions } from './nor-flash.ts';
export { tornProgramAs } from './torn.ts';
export type {
  CutOutcome,
  Flash,
  FlashGeometry,
  FlashOp,
  FlashOpKind,
  PowerCutPlan,
  ProgramRule,
  SectorInfo,
  TornShape,
} from './types.ts';
