/**
 * The board's console as the harness reads it: whole lines (the SMP frame decoder joins a line split across reads),
 * kept since the last mark, and waits for the first line that matches one of the board's patterns.
 */
export interface ConsoleMatch {
  readonly pattern: string;
  readonly groups: Readonly<Record<string, string>>;
  readonly line: string;
}

/** A wait for a line; `cancel` ends it with undefined (a timeout, a cut, a closed port). */
export interface ConsoleWait {
  readonly promise: Promise<ConsoleMatch | undefined>;
  cancel(): void;
}

interface Waiter {
  readonly patterns: ReadonlyMap<string, RegExp>;
  resolve(match: ConsoleMatch | undefined): void;
}

/** Lines kept for a boot's log: enough for any boot, bounded against a board that never stops printing. */
const MAX_LINES = 1000;

export class ConsoleWatch {
  private lines: string[] = [];
  private readonly waiters = new Set<Waiter>();
  /** When the first line since the mark came (performance.now()), or undefined. */
  firstLineAt: number | undefined;

  /** A line from the board. */
  push(line: string): void {
    this.firstLineAt ??= performance.now();
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.shift();
    for (const waiter of [...this.waiters]) {
      for (const [name, regex] of waiter.patterns) {
        const match = regex.exec(line);
        if (!match) continue;
        this.waiters.delete(waiter);
        waiter.resolve({ pattern: name, groups: { ...match.groups }, line });
        break;
      }
    }
  }

  /** Forgets what was printed so far: the log starts again from here. */
  mark(): void {
    this.lines = [];
    this.firstLineAt = undefined;
  }

  /** The lines since the mark. */
  since(): readonly string[] {
    return [...this.lines];
  }

  /** The first line from now on that matches one of `patterns` (name → regex). */
  next(patterns: ReadonlyMap<string, RegExp>): ConsoleWait {
    let waiter!: Waiter;
    const promise = new Promise<ConsoleMatch | undefined>((resolve) => {
      waiter = { patterns, resolve };
    });
    this.waiters.add(waiter);
    return {
      promise,
      cancel: () => {
        if (this.waiters.delete(waiter)) waiter.resolve(undefined);
      },
    };
  }

  /** Ends every wait with undefined: the board lost power, nothing it was going to print will come. */
  cancelAll(): void {
    for (const waiter of this.waiters) waiter.resolve(undefined);
    this.waiters.clear();
  }
}
