/**
 * The `uhubctl` power driver: a board powered from a USB hub port that can switch its VBUS (per-port power
 * switching, PPPS), through https://github.com/mvp/uhubctl: `uhubctl -l <location> -p <port> -a off|on|cycle`.
 */
import { execa } from 'execa';
import type { PowerSettings } from './lab-file.ts';
import { type PowerControl, PowerControlError } from './power-control.ts';

type UhubctlSettings = Extract<PowerSettings, { driver: 'uhubctl' }>;

/**
 * The argument list for one action. No `-e` (exact location): on a USB3 hub uhubctl then switches the port of the
 * USB2 and the USB3 half together, and only that really removes VBUS.
 */
export function uhubctlArgs(settings: Pick<UhubctlSettings, 'location' | 'port'>, action: 'on' | 'off' | 'cycle'): string[] {
  return ['-l', settings.location, '-p', String(settings.port), '-a', action];
}

export class UhubctlPower implements PowerControl {
  readonly description: string;

  constructor(private readonly settings: UhubctlSettings) {
    this.description = `uhubctl hub ${settings.location} port ${settings.port}`;
  }

  on(): Promise<void> {
    return this.run('on');
  }

  off(): Promise<void> {
    return this.run('off');
  }

  cycle(): Promise<void> {
    return this.run('cycle');
  }

  async close(): Promise<void> {}

  private async run(action: 'on' | 'off' | 'cycle'): Promise<void> {
    const args = uhubctlArgs(this.settings, action);
    const shown = [this.settings.command, ...args].join(' ');
    const result = await execa(this.settings.command, args, { reject: false, timeout: this.settings.timeoutMs, stdin: 'ignore' });
    if (result.timedOut) throw new PowerControlError(this.description, `\`${shown}\` did not finish within ${this.settings.timeoutMs} ms`);
    if (result.failed) {
      const why = `${result.stderr}`.trim() || `${result.stdout}`.trim() || result.shortMessage;
      throw new PowerControlError(this.description, `\`${shown}\` failed (exit ${result.exitCode ?? 'none'}): ${why}`);
    }
  }
}
