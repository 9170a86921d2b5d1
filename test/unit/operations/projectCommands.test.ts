/** The commands a project declares for checking itself, and nothing it did not declare. */
import { describe, expect, it } from 'vitest';
import { detectProjectCommands } from '../../../extension/src/core/operations/projectCommands';

const names = (...n: string[]) => new Set(n);

describe('detectProjectCommands', () => {
  it('package.json scripts, in the order an agent runs them, with the package manager the project uses', () => {
    const packageJson = JSON.stringify({ scripts: { build: 'tsc', lint: 'eslint .', test: 'vitest run', dev: 'vite', typecheck: 'tsc --noEmit' } });
    expect(detectProjectCommands({ rootNames: names('package.json', 'package-lock.json'), packageJson })).toEqual(['npm test', 'npm run lint', 'npm run typecheck', 'npm run build']);
    expect(detectProjectCommands({ rootNames: names('package.json', 'pnpm-lock.yaml'), packageJson })).toEqual(['pnpm test', 'pnpm run lint', 'pnpm run typecheck', 'pnpm run build']);
    expect(detectProjectCommands({ rootNames: names('package.json', 'yarn.lock'), packageJson })[1]).toBe('yarn lint');
    const declared = JSON.stringify({ packageManager: 'bun@1.1.0', scripts: { test: 'bun test' } });
    expect(detectProjectCommands({ rootNames: names('package.json', 'package-lock.json'), packageJson: declared })).toEqual(['bun test']);
  });

  it("leaves out npm init's failing test script, empty scripts and a broken package.json", () => {
    const packageJson = JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1', lint: '  ' } });
    expect(detectProjectCommands({ rootNames: names('package.json'), packageJson })).toEqual([]);
    expect(detectProjectCommands({ rootNames: names('package.json'), packageJson: '{ not json' })).toEqual([]);
    expect(detectProjectCommands({ rootNames: names('package.json'), packageJson: '[]' })).toEqual([]);
  });

  it('Makefile targets, Cargo and Go modules', () => {
    const makefile = 'VAR := 1\n.PHONY: test\ntest: build\n\tgo test\nlint:\n\tgolint\ninstall:\n';
    expect(detectProjectCommands({ rootNames: names('Makefile', 'go.mod'), makefile })).toEqual(['make test', 'make lint', 'go test ./...', 'go vet ./...', 'go build ./...']);
    expect(detectProjectCommands({ rootNames: names('Cargo.toml') })).toEqual(['cargo test', 'cargo clippy', 'cargo build']);
    expect(detectProjectCommands({ rootNames: names('README.md', 'tests') })).toEqual([]);
  });
});
