import type { EmitContext } from './emit.ts';

/** What the decoder makes of one instruction: the JavaScript that executes it, and how control flows after. */
export interface Decoded {
  size: 2 | 4;
  /** Statements executing the instruction (the condition, if any, is applied by the translator). */
  code: string;
  /**
   * - `next`: falls through to the next instruction;
   * - `branch`: the code always writes r[15] (or throws); the block ends;
   * - `stop`: falls through, but the block ends so the core looks at exceptions and stop requests.
   */
  flow: 'next' | 'branch' | 'stop';
  /** For a direct branch: its target (the translator turns a branch back to the block's start into a loop). */
  target?: number;
  /** For a conditional direct branch: the JavaScript condition, so the translator can make it a side exit. */
  condition?: string;
  /** For IT: the ITSTATE the following instructions run under. */
  itState?: number;
}

/** The architecture features and state the decoder needs. */
export interface DecodeContext extends EmitContext {
  /** Thumb-2 (ARMv7-M and later): 32-bit data processing, IT, CBZ, … */
  thumb2: boolean;
  /** The DSP extension (Cortex-M4, M33). */
  dsp: boolean;
  /** ARMv8-M mainline additions (load-acquire / store-release). */
  v8: boolean;
  /** Inside an IT block (16-bit instructions then do not set flags). */
  inIt: boolean;
  /** Last instruction of an IT block, or outside any (where a branch may stand). */
  lastInIt: boolean;
}

export const UNDEFINED = (pc: number, size: 2 | 4): Decoded => ({
  size,
  code: `cpu.undefinedInstruction(${pc});`,
  flow: 'branch',
});
