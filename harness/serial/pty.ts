/**
 * A real pseudo-terminal pair made by socat (`pty,raw,echo=0,link=…` twice): bytes written to one end come out of
 * the other through the kernel's tty layer, as they would through a USB serial adapter. Used by the pty tests and
 * the SMP benchmark; the socat process is ended by `close`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { BootproofError } from '../../emulator/common/errors.ts';

export interface PtyPair {
  /** The end the emulated device opens. */
  readonly devicePath: string;
  /** The end the host (SerialTransport) opens. */
  readonly hostPath: string;
  close(): Promise<void>;
}

/** Whether socat can be run; tests and the benchmark skip with this reason when it cannot. */
export async function socatMissing(): Promise<string | undefined> {
  try {
    await execa('socat', ['-V']);
    return undefined;
  } catch {
    return 'socat is not installed; the pseudo-terminal tests need it (enable them: sudo scripts/setup-debian.sh)';
  }
}

/**
 * socat, tied to this process: a reader of our pipe kills it when the pipe closes, which happens when we close
 * it or when this process dies in any way (SIGKILL included), so no socat outlives its bootproof. A background
 * job's stdin is /dev/null in sh, hence the pipe kept on fd 3.
 */
const TIED_TO_PARENT = 'exec 3<&0; socat "$@" </dev/null & s=$!; (read -r _ <&3; kill $s 2>/dev/null) & wait $s';

export async function openPtyPair(): Promise<PtyPair> {
  const dir = mkdtempSync(join(tmpdir(), 'bootproof-pty-'));
  const devicePath = join(dir, 'device');
  const hostPath = join(dir, 'host');
  const socat: ResultPromise = execa('sh', ['-c', TIED_TO_PARENT, 'sh', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], {
    reject: false,
    stdin: 'pipe',
  });
  const deadline = Date.now() + 5000;
  while (!(existsSync(devicePath) && existsSync(hostPath))) {
    if (Date.now() > deadline || socat.exitCode !== null) {
      socat.stdin?.end();
      rmSync(dir, { recursive: true, force: true });
      throw new BootproofError(`socat did not create the pty pair in ${dir} within 5 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    devicePath,
    hostPath,
    close: async () => {
      socat.stdin?.end();
      await socat;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
