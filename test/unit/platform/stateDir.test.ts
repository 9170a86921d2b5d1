/**
 * The state folder's path. The activation bundle (operationsTree.ts) computes it
 * from platform/stateDir.ts to look for operations after a reload, the host and
 * the CLI through operationControl.ts: they must be the same function.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as control from '../../../extension/src/orchestration/operations/operationControl';
import { defaultStateDir, operationsDir } from '../../../extension/src/platform/stateDir';

describe('the state folder', () => {
  it('is one function wherever it is imported from', () => {
    expect(control.defaultStateDir).toBe(defaultStateDir);
    expect(control.operationsDir).toBe(operationsDir);
  });

  it('lives under XDG_STATE_HOME (absolute only), per repository, named after it', () => {
    const dir = defaultStateDir('/home/me/src/my app', { XDG_STATE_HOME: '/state' });
    expect(dir).toMatch(/^\/state\/orchard\/repos\/my_app-[0-9a-f]{12}$/);
    expect(defaultStateDir('/home/me/src/other', { XDG_STATE_HOME: '/state' })).not.toBe(dir);
    expect(defaultStateDir('/home/me/src/my app', { XDG_STATE_HOME: 'relative' }).startsWith(path.join('relative'))).toBe(false);
    expect(operationsDir(dir)).toBe(path.join(dir, 'operations'));
  });
});
