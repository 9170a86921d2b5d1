/**
 * What the validators see of the workspace from inside the server: the open
 * documents first (the user's unsaved text is the truth), then the disk.
 * Validators name files by absolute POSIX paths; LSP by `file:` URIs. The
 * translation lives here and nowhere else.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ValidationFs } from '../../extension/src/core/diagnostics/diagnostic';
// Larger files are not read for validation (an import of a build artefact, a log): the CLI's limit too.
import { MAX_READ_BYTES } from '../../extension/src/core/validation/fileLimits';

/** `file:///c%3A/a/b.md` -> `/c:/a/b.md`, `file:///w/a.md` -> `/w/a.md`; undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    const native = fileURLToPath(uri);
    return toPosixPath(native);
  } catch {
    return undefined;
  }
}

/** `C:\a\b` -> `/C:/a/b`; POSIX paths unchanged. */
export function toPosixPath(nativePath: string): string {
  if (process.platform !== 'win32') return nativePath;
  const slashed = nativePath.replace(/\\/g, '/');
  return slashed.startsWith('/') ? slashed : `/${slashed}`;
}

/** The inverse of toPosixPath, for node:fs. */
export function toNativePath(posixPath: string): string {
  if (process.platform !== 'win32') return posixPath;
  return posixPath.replace(/^\/([A-Za-z]:)/, '$1').replace(/\//g, '\\');
}

export function pathToUri(posixPath: string): string {
  return pathToFileURL(toNativePath(posixPath)).href;
}

export class ServerFs implements ValidationFs {
  readonly homeDir = toPosixPath(os.homedir());
  /** Open documents by path; the server keeps this in step with TextDocuments. */
  private readonly open = new Map<string, TextDocument>();

  setOpen(path: string, document: TextDocument | undefined): void {
    if (document) this.open.set(path, document);
    else this.open.delete(path);
  }

  openDocument(path: string): TextDocument | undefined {
    return this.open.get(path);
  }

  readText(absPath: string): string | undefined {
    const document = this.open.get(absPath);
    if (document) return document.getText();
    try {
      const native = toNativePath(absPath);
      const stat = fs.statSync(native, { throwIfNoEntry: false });
      if (!stat?.isFile() || stat.size > MAX_READ_BYTES) return undefined;
      return fs.readFileSync(native, 'utf8');
    } catch {
      return undefined;
    }
  }

  exists(absPath: string): boolean {
    if (this.open.has(absPath)) return true;
    try {
      return fs.existsSync(toNativePath(absPath));
    } catch {
      return false;
    }
  }

  list(absDir: string): { name: string; isDirectory: boolean }[] {
    try {
      return fs.readdirSync(toNativePath(absDir), { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch {
      return [];
    }
  }
}
