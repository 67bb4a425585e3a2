/** The exhaustive single power cut of power-cut-copy.test.ts, for the strategies that move sectors in place. */
import { defineCutSuite } from './sweep.ts';

defineCutSuite(['swap-move', 'swap-offset']);
