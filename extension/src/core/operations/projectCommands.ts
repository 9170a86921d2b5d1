/**
 * The commands a project checks itself with (test, lint, type-check,
 * build), found from the files that declare them, so an executor agent may
 * run them without asking and knows which to run. Pure: the caller reads the
 * files (the names present at the root, and package.json's text).
 *
 * Only what the project itself declares counts: a package.json script, a
 * Makefile target, the standard command of a Cargo or Go module. A guess
 * (`pytest` because there is a tests/ folder) would be a command the project
 * never promised to run.
 */

export interface ProjectFiles {
  /** File names at the worktree's root. */
  rootNames: ReadonlySet<string>;
  /** package.json's text, when there is one. */
  packageJson?: string;
  /** The Makefile's text, when there is one. */
  makefile?: string;
}

/** Script names, in the order an agent would run them, with what they are for. */
const SCRIPT_ORDER = ['test', 'lint', 'typecheck', 'type-check', 'check', 'build'];

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** The package manager a project uses (also for the live preview's `dev` script). */
export function packageManager(names: ReadonlySet<string>, declared: unknown): PackageManager {
  // `packageManager: "pnpm@9.1.0"` (corepack) says it outright; otherwise the lockfile does.
  if (typeof declared === 'string') {
    const name = declared.split('@')[0];
    if (name === 'pnpm' || name === 'yarn' || name === 'bun' || name === 'npm') return name;
  }
  if (names.has('pnpm-lock.yaml')) return 'pnpm';
  if (names.has('yarn.lock')) return 'yarn';
  if (names.has('bun.lockb') || names.has('bun.lock')) return 'bun';
  return 'npm';
}

/** How that package manager runs a package.json script, as the user would type it. */
export function scriptCommand(manager: PackageManager, script: string): string {
  if (script === 'test') return `${manager} test`;
  return manager === 'yarn' ? `yarn ${script}` : `${manager} run ${script}`;
}

function packageScripts(files: ProjectFiles): string[] {
  if (files.packageJson === undefined) return [];
  let manifest: unknown;
  try {
    manifest = JSON.parse(files.packageJson);
  } catch {
    return [];
  }
  if (typeof manifest !== 'object' || manifest === null) return [];
  const { scripts, packageManager: declared } = manifest as { scripts?: unknown; packageManager?: unknown };
  if (typeof scripts !== 'object' || scripts === null) return [];
  const manager = packageManager(files.rootNames, declared);
  return SCRIPT_ORDER.filter((name) => {
    const body = (scripts as Record<string, unknown>)[name];
    // npm init writes a test script that only fails: it is not a test suite.
    return typeof body === 'string' && body.trim() !== '' && !/no test specified/.test(body);
  }).map((name) => scriptCommand(manager, name));
}

/** `make test`, `make lint`… for the targets a Makefile defines (a line `name:` at the start). */
function makeTargets(makefile: string | undefined): string[] {
  if (makefile === undefined) return [];
  const targets = new Set<string>();
  for (const line of makefile.split(/\r?\n/)) {
    const match = /^([A-Za-z][\w-]*)\s*:(?!=)/.exec(line);
    if (match) targets.add(match[1]!);
  }
  return ['test', 'check', 'lint', 'build'].filter((t) => targets.has(t)).map((t) => `make ${t}`);
}

export function detectProjectCommands(files: ProjectFiles): string[] {
  const commands = [...packageScripts(files), ...makeTargets(files.makefile)];
  if (files.rootNames.has('Cargo.toml')) commands.push('cargo test', 'cargo clippy', 'cargo build');
  if (files.rootNames.has('go.mod')) commands.push('go test ./...', 'go vet ./...', 'go build ./...');
  return [...new Set(commands)];
}
