export { EccFault, type FlashRule, FlashRuleViolation, PowerCut } from './errors.ts';
export { KnownBytes } from './known-bytes.ts';
export { FlashGeometryError, type FlashSnapshot, NorFlash, type NorFlashOptions, sameContentKey } from './nor-flash.ts';
export { tornProgramAs } from './torn.ts';
export type {
  ContentSpan,
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
