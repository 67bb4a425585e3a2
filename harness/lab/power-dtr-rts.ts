/**
 * The `dtr-rts` power driver: the board's reset held through a modem line of its serial adapter (the auto-reset
 * circuit of many dev kits). "Off" holds the board in reset, "on" releases it. It opens its own handle on the port
 * without the exclusive lock, since the modem lines belong to the tty, not to one open file.
 */
import { SerialPort } from 'serialport';
import type { PowerSettings } from './lab-file.ts';
import { type PowerControl, PowerControlError, pause } from './power-control.ts';

type DtrRtsSettings = Extract<PowerSettings, { driver: 'dtr-rts' }>;

export interface ModemLines {
  set(lines: { dtr?: boolean; rts?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export class DtrRtsPower implements PowerControl {
  readonly description: string;
  private lines: ModemLines | undefined;

  constructor(
    private readonly settings: DtrRtsSettings,
    private readonly port: string,
    private readonly offMs: number,
    private readonly openLines: (port: string) => Promise<ModemLines> = openModemLines,
  ) {
    this.description = `${settings.line.toUpperCase()} of ${port}`;
  }

  on(): Promise<void> {
    return this.hold(false);
  }

  off(): Promise<void> {
    return this.hold(true);
  }

  async cycle(): Promise<void> {
    await this.off();
    await pause(this.offMs);
    await this.on();
  }

  async close(): Promise<void> {
    await this.lines?.close();
    this.lines = undefined;
  }

  private async hold(inReset: boolean): Promise<void> {
    const asserted = inReset === this.settings.assertedIsReset;
    try {
      this.lines ??= await this.openLines(this.port);
      await this.lines.set({ [this.settings.line]: asserted });
    } catch (error) {
      throw new PowerControlError(
        this.description,
        `cannot ${asserted ? 'assert' : 'release'} ${this.settings.line.toUpperCase()}: ${(error as Error).message}`,
        error,
      );
    }
  }
}

async function openModemLines(path: string): Promise<ModemLines> {
  const port = new SerialPort({ path, baudRate: 115_200, lock: false, autoOpen: false });
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return {
    set: (lines) => new Promise((resolve, reject) => port.set(lines, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
