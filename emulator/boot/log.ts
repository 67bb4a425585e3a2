/** The lines a boot reports about what it decided and did, bounded so a runaway loop cannot grow it forever. */
export class BootLog {
  private readonly lines: string[] = [];
  private static readonly LIMIT = 200;

  note(line: string): void {
    if (this.lines.length < BootLog.LIMIT) this.lines.push(line);
  }

  get entries(): readonly string[] {
    return this.lines;
  }
}
