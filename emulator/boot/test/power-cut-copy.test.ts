/**
 * An exhaustive single power cut (overwrite-only, swap-scratch, direct-xip; the moving strategies are in
 * power-cut-move.test.ts): for every strategy and board, the update (and the revert) is cut at each of its
 * flash operations, leaving it `not-started` or `torn`; the device then reboots until it settles. Whatever the
 * cut, it must boot a valid image that is byte for byte the old or the new one, with consistent trailers and
 * nothing outside the slots and scratch changed. On ECC boards the flash model itself refuses any write unit
 * programmed twice between erases, so a sweep that passes there proves the bootloader never does it.
 */
import { defineCutSuite } from './sweep.ts';

defineCutSuite(['overwrite-only', 'swap-scratch', 'direct-xip']);
