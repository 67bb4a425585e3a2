/**
 * Runs a lab's shell command (a relay, a probe, a button) with a time limit. The command runs in its own process
 * group, so a timeout ends everything it started — a shell's `sleep` child would otherwise keep the pipes open
 * and the wait going.
 */
import { execa } from 'execa';

export type ShellResult = { readonly ok: true } | { readonly ok: false; readonly why: string };

export async function runShell(command: string, timeoutMs: number): Promise<ShellResult> {
  const child = execa(command, { shell: true, reject: false, detached: true, stdin: 'ignore' });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, timeoutMs);
  const result = await child;
  clearTimeout(timer);
  if (timedOut) return { ok: false, why: `\`${command}\` did not finish within ${timeoutMs} ms` };
  if (!result.failed) return { ok: true };
  const printed = `${result.stderr}`.trim() || `${result.stdout}`.trim() || result.shortMessage;
  return { ok: false, why: `\`${command}\` failed (exit ${result.exitCode ?? 'none'}): ${printed}` };
}
