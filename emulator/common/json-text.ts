/**
 * JSON.parse for files people edit: a leading byte-order mark is accepted (editors on Windows write one), and a
 * syntax error is placed at a line and a column, which V8 does not always give.
 */
export type JsonText = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

export function parseJsonText(text: string): JsonText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    const reason = (error as Error).message;
    const position = /position (\d+)/.exec(reason);
    const at = position === null ? firstSyntaxError(body) : Number(position[1]);
    const before = body.slice(0, at).split('\n');
    return { ok: false, line: before.length, column: before.at(-1)!.length + 1, reason };
  }
}

/** The offset of the first character that cannot continue a JSON text (RFC 8259), by a small scanner. */
export function firstSyntaxError(text: string): number {
  let at = 0;
  const space = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at]!)) at++;
  };
  const fail = (offset = at): never => {
    throw offset;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = () => {
    at++;
    while (at < text.length && text[at] !== '"') {
      const code = text.charCodeAt(at);
      if (code < 0x20) fail();
      if (text[at] === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail(at + 1);
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail();
      }
      at++;
    }
    if (at >= text.length) fail();
    at++;
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (match === null || match[0] === '' || match[0] === '-') fail();
    at += match![0].length;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      at++;
      space();
      if (text[at] !== close) {
        for (;;) {
          if (close === '}') {
            space();
            if (text[at] !== '"') fail();
            string();
            space();
            if (text[at] !== ':') fail();
            at++;
          }
          value();
          space();
          if (text[at] === close) break;
          if (text[at] !== ',') fail();
          at++;
        }
      }
      at++;
    } else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    return Math.min(at, text.length);
  } catch (offset) {
    return Math.min(offset as number, text.length);
  }
}
