/** Programs are found by absolute path, never in the working folder (Windows' lookup order included). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecutableNotFoundError, resolveExecutable } from '../../../extension/src/platform/executables';

describe('resolveExecutable', () => {
  it('finds a program in an absolute PATH folder and skips empty and relative entries', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-bin-'));
    fs.writeFileSync(path.join(bin, 'tool'), '#!/bin/sh\n', { mode: 0o755 });
    expect(resolveExecutable('tool', { pathEnv: `.::bin:${bin}`, platform: 'linux' })).toBe(path.join(bin, 'tool'));
  });

  it('does not take a file that is not executable', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'orchard-bin-'));
    fs.writeFileSync(path.join(bin, 'tool'), 'text', { mode: 0o644 });
    expect(() => resolveExecutable('tool', { pathEnv: bin, platform: 'linux' })).toThrow(ExecutableNotFoundError);
  });

  it('on Windows tries PATHEXT in order, in absolute folders only, never the working folder', () => {
    const present = new Set(['C:\\Program Files\\Git\\cmd\\git.exe', 'C:\\tools\\claude.cmd']);
    const isExecutable = (file: string) => present.has(file);
    const search = { platform: 'win32' as const, pathExt: '.COM;.EXE;.BAT;.CMD', isExecutable };
    expect(resolveExecutable('git', { ...search, pathEnv: '.;repo\\bin;"C:\\Program Files\\Git\\cmd"' })).toBe('C:\\Program Files\\Git\\cmd\\git.exe');
    expect(resolveExecutable('claude', { ...search, pathEnv: 'C:\\tools' })).toBe('C:\\tools\\claude.cmd');
    expect(resolveExecutable('git.exe', { ...search, pathEnv: 'C:\\Program Files\\Git\\cmd' })).toBe('C:\\Program Files\\Git\\cmd\\git.exe');
    expect(() => resolveExecutable('git', { ...search, pathEnv: '.;;tools' })).toThrow(/not found in any absolute folder of PATH/);
  });

  it('takes an absolute path as given and refuses a relative one with a folder in it', () => {
    expect(resolveExecutable('/opt/claude/bin/claude', { platform: 'linux' })).toBe('/opt/claude/bin/claude');
    expect(resolveExecutable('C:\\tools\\claude.exe', { platform: 'win32' })).toBe('C:\\tools\\claude.exe');
    expect(() => resolveExecutable('./node_modules/.bin/claude', { platform: 'linux' })).toThrow(/relative path would depend on the working folder/);
    expect(() => resolveExecutable('bin\\git.exe', { platform: 'win32' })).toThrow(ExecutableNotFoundError);
    expect(() => resolveExecutable('  ', { platform: 'linux' })).toThrow(/no program name/);
  });
});
