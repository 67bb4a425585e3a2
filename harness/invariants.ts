/**
 * The invariants the oracle checks (DESIGN.md "The oracle", FAULTS.md §0.1). A violation always names one.
 */
export const INVARIANTS = {
  safety: { ref: 'I-2', title: 'only a valid image under the trust policy runs' },
  'no-brick': { ref: 'I-1/I-10', title: 'the device boots a valid image within a bounded number of boots' },
  exactness: { ref: 'I-3', title: 'the running image is byte-identical to the old or the new image, never a mix' },
  convergence: { ref: 'DESIGN 4', title: 'without faults the update completes; an unconfirmed image is reverted' },
  'no-collateral': { ref: 'DESIGN 5', title: 'flash outside the slots and scratch is unchanged' },
  'no-rollback': { ref: 'I-4', title: 'the security counter never passes an unconfirmed image; older never runs' },
  'clock-independence': { ref: 'I-7', title: 'the same state boots the same way under any clock value' },
  'idempotent-recovery': { ref: 'I-8', title: 'a cut during recovery ends where the single cut ends' },
  'flash-discipline': { ref: 'I-9', title: 'no flash rule is broken (alignment, write-once, write budget)' },
} as const;

export type InvariantName = keyof typeof INVARIANTS;

export interface Violation {
  readonly invariant: InvariantName;
  /** What was seen, and where: which boot, which slot, which bytes. */
  readonly message: string;
}

export function describeInvariant(name: InvariantName): string {
  const { ref, title } = INVARIANTS[name];
  return `${name} (${ref}): ${title}`;
}
