import { describe, expect, it } from 'vitest';
import { decideSwapType } from './decision.ts';
import type { TrailerState } from './types.ts';

const erased: TrailerState = {
  magic: 'unset',
  imageOk: 'unset',
  copyDone: 'unset',
  swapType: 'none',
  swapImage: 0,
  swapSize: 0xffffffff,
};
const t = (magic: TrailerState['magic'], imageOk: TrailerState['imageOk'], copyDone: TrailerState['copyDone']) => ({
  ...erased,
  magic,
  imageOk,
  copyDone,
});

describe('the swap-type decision table (FORMATS §3.2)', () => {
  it('reads the states the normal flows produce', () => {
    expect(decideSwapType(erased, t('good', 'unset', 'unset'), false)).toBe('test');
    expect(decideSwapType(erased, t('good', 'set', 'unset'), false)).toBe('perm');
    expect(decideSwapType(t('good', 'unset', 'set'), erased, false)).toBe('revert');
    expect(decideSwapType(t('good', 'set', 'set'), erased, false)).toBe('none');
    expect(decideSwapType(erased, erased, false)).toBe('none');
  });

  it('lets a pending request in the secondary win over a revert (rows II and III before IV)', () => {
    expect(decideSwapType(t('good', 'unset', 'set'), t('good', 'unset', 'unset'), false)).toBe('test');
  });

  it('resumes a revert whatever the secondary magic, torn included (mcu-tools/mcuboot #1966)', () => {
    expect(decideSwapType(t('good', 'unset', 'set'), t('bad', 'unset', 'unset'), false)).toBe('revert');
  });

  it('reads a corrupted image_ok as no request, and a BAD magic as no request', () => {
    expect(decideSwapType(erased, t('good', 'bad', 'unset'), false)).toBe('none');
    expect(decideSwapType(erased, t('bad', 'set', 'unset'), false)).toBe('none');
  });

  it('has row I (secondary copy_done SET → revert) in swap-offset builds only', () => {
    const marked = t('good', 'unset', 'set');
    expect(decideSwapType(erased, marked, true)).toBe('revert');
    expect(decideSwapType(erased, marked, false)).toBe('test');
  });
});
