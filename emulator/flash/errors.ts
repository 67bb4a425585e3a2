import { BootproofError } from '../common/errors.ts';
import type { FlashOp } from './types.ts';

/** The rule a flash operation broke. */
export type FlashRule =
  | 'range'
  | 'alignment'
  | 'erase-alignment'
  | 'program-once'
  | 'write-budget'
  | 'counter-range';

/**
 * Misuse of the flash: the hardware would refuse the operation (or, for `program-once`, raise PROGERR). Carries
 * the rule and the offset so a report can point at the exact write. Exit code 1: a bootloader that breaks a flash
 * rule has failed a check (invariant I-9), it is not bad input.
 */
export class FlashRuleViolation extends BootproofError {
  readonly rule: FlashRule;
  readonly offset: number;

  constructor(rule: FlashRule, offset: number, detail: string) {
    super(`flash rule '${rule}' broken at 0x${offset.toString(16)}: ${detail}`, { exitCode: 1 });
    this.rule = rule;
    this.offset = offset;
  }
}

/**
 * Power went away during (or just before) an operation. Not an error of the code under test, and deliberately not
 * a `BootproofError`: a bootloader that catches the project's errors (to halt on a bad image, say) must not catch
 * the power going away. It is the one form a cut takes from the flash to the judge: the device stops where it is
 * thrown, and the runner records the cut it carries.
 */
export class PowerCut extends Error {
  readonly op: FlashOp;

  constructor(op: FlashOp) {
    const message = `power cut at flash operation ${op.index} (${op.kind} at 0x${op.offset.toString(16)}, ${op.result})`;
    // No stack trace: a cut is a signal the device catches, never a bug to locate, and a sweep makes one per case.
    // Capturing the trace cost more than the rest of the throw.
    const traceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = traceLimit;
    this.name = 'PowerCut';
    this.op = op;
  }
}

/**
 * A read hit a write unit whose error-correcting code does not match its data: its program or erase was torn.
 * On STM32L5/U5/H7 the CPU sees this as a bus fault or NMI rather than data.
 */
export class EccFault extends BootproofError {
  readonly offset: number;

  constructor(offset: number) {
    super(`ECC error reading flash at 0x${offset.toString(16)}: the write unit was torn by a power cut`, {
      exitCode: 1,
    });
    this.offset = offset;
  }
}
