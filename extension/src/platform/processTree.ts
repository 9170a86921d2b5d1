/**
 * Stopping a program together with everything it started. A child spawned
 * with `detached: true` leads its own process group on POSIX, so a signal to
 * the group reaches its children (`npm test` starts node, which starts
 * workers); on Windows, taskkill /T walks the tree. Whatever ignores SIGTERM
 * gets SIGKILL after a grace period: Stop and a timeout must mean it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { windowsSystemTool } from './executables';

/** How long a tree has to end after SIGTERM before it is killed. */
export const KILL_GRACE_MS = 2000;

export function killTree(child: ChildProcess, graceMs: number = KILL_GRACE_MS): void {
  if (child.pid === undefined) return;
  const pid = child.pid;
  try {
    if (process.platform === 'win32') {
      spawn(windowsSystemTool('taskkill.exe'), ['/pid', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
      return;
    }
    process.kill(-pid, 'SIGTERM');
    setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, graceMs).unref();
  } catch {
    // Not a group leader (spawned without `detached`), or already gone.
    child.kill('SIGKILL');
  }
}
