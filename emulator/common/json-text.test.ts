import { describe, expect, it } from 'vitest';
import { firstSyntaxError, parseJsonText } from './json-text.ts';

describe('parseJsonText', () => {
  it('accepts a byte-order mark', () => {
    expect(parseJsonText('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('places errors V8 reports without a position', () => {
    const text = '{\n  "a": tru\n,\n  "b": 2\n}\n\n\n';
    expect(parseJsonText(text)).toMatchObject({ ok: false, line: 2, column: 11 });
    expect(parseJsonText('\ufeff\ufeff{}')).toMatchObject({ ok: false, line: 1, column: 1 });
    expect(parseJsonText('{\n"a": 1,\n"b": x\n}\n')).toMatchObject({ ok: false, line: 3, column: 6 });
    expect(parseJsonText('{"a": 1}\n\n}')).toMatchObject({ ok: false, line: 3, column: 1 });
  });

  it('finds the first bad character of each kind of error', () => {
    expect(firstSyntaxError('{"a":1,}')).toBe(7);
    expect(firstSyntaxError('["a\u0001"]')).toBe(3);
    expect(firstSyntaxError('[1 2]')).toBe(3);
    expect(firstSyntaxError('{"a" 1}')).toBe(5);
    expect(firstSyntaxError('[01]')).toBe(2);
    expect(firstSyntaxError('"\\x"')).toBe(2);
    expect(firstSyntaxError('[1,')).toBe(3);
  });
});
