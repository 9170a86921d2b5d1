/**
 * Per workspace folder: its settings (`orchard.memory.globs`, `orchard.trees.globs`,
 * asked for through `workspace/configuration` with the folder as scope) and its
 * `.orchard/schema.yaml`. Both are cached until they change; nothing is kept in
 * globals. Settings that make no sense are logged once and replaced by the
 * defaults: a bad setting never stops validation.
 */
import type { Connection } from 'vscode-languageserver/node';
import {
  checkGlobs,
  DEFAULT_GLOBS,
  FileClassifier,
  joinPath,
  loadProjectSchema,
  type ValidationContext,
} from '../../extension/src/core/validation/validateFiles';
import { PROJECT_SCHEMA_PATH } from '../../extension/src/core/projectSchema/projectSchema';
import { pathToUri, type ServerFs } from './serverFs';

interface FolderState {
  classifier: Promise<FileClassifier>;
  schema?: ValidationContext['schema'];
}

export class WorkspaceFolders {
  private roots: string[] = [];
  private readonly folders = new Map<string, FolderState>();
  private readonly reported = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly fs: ServerFs,
    /** Whether the client answers `workspace/configuration`; without it the defaults apply. */
    private readonly canAskSettings: () => boolean,
  ) {}

  setRoots(roots: string[]): void {
    // Longest first, so a nested folder wins over its parent.
    this.roots = [...new Set(roots)].sort((a, b) => b.length - a.length);
    for (const root of this.folders.keys()) if (!this.roots.includes(root)) this.folders.delete(root);
  }

  get allRoots(): readonly string[] {
    return this.roots;
  }

  /** The workspace folder holding the file; a file outside every folder is its own folder's root. */
  rootOf(path: string): string {
    const root = this.roots.find((r) => path.startsWith(r.endsWith('/') ? r : `${r}/`));
    return root ?? path.slice(0, Math.max(1, path.lastIndexOf('/')));
  }

  async contextFor(path: string): Promise<ValidationContext> {
    const root = this.rootOf(path);
    const state = this.stateOf(root);
    const classifier = await state.classifier;
    if (!state.schema) {
      // Diagnostics of schema.yaml itself are shown when that file is open; here only the result counts.
      state.schema = loadProjectSchema(root, this.fs).schema;
    }
    return { root, fs: this.fs, schema: state.schema, classifier };
  }

  /** A settings change: every folder asks again. */
  forgetSettings(): void {
    this.folders.clear();
  }

  /** Whether `path` is a folder's schema.yaml; if so its cached schema is dropped and the folder returned. */
  forgetSchemaIfSchemaFile(path: string): string | undefined {
    const root = this.rootOf(path);
    if (path !== joinPath(root, PROJECT_SCHEMA_PATH)) return undefined;
    const state = this.folders.get(root);
    if (state) delete state.schema;
    return root;
  }

  private stateOf(root: string): FolderState {
    let state = this.folders.get(root);
    if (!state) {
      state = { classifier: this.readClassifier(root) };
      this.folders.set(root, state);
    }
    return state;
  }

  private async readClassifier(root: string): Promise<FileClassifier> {
    if (!this.canAskSettings()) return new FileClassifier(DEFAULT_GLOBS);
    let settings: unknown;
    try {
      settings = await this.connection.workspace.getConfiguration({ scopeUri: pathToUri(root), section: 'orchard' });
    } catch (error) {
      this.report(`Could not read the orchard settings of ${root} (${String(error)}); using the defaults`);
      return new FileClassifier(DEFAULT_GLOBS);
    }
    const section = (key: string): unknown => {
      if (typeof settings !== 'object' || settings === null) return undefined;
      const area = (settings as Record<string, unknown>)[key];
      return typeof area === 'object' && area !== null ? (area as Record<string, unknown>).globs : undefined;
    };
    const memory = checkGlobs('orchard.memory.globs', section('memory'), DEFAULT_GLOBS.memory);
    const trees = checkGlobs('orchard.trees.globs', section('trees'), DEFAULT_GLOBS.trees);
    for (const problem of [...memory.problems, ...trees.problems]) this.report(`${problem} (folder ${root})`);
    return new FileClassifier({ memory: memory.globs, trees: trees.globs });
  }

  /** Each distinct problem once per server run: settings are read again on every change. */
  private report(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.connection.console.warn(message);
  }
}
