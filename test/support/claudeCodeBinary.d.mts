// Types for test/support/claudeCodeBinary.mjs.
/** The absolute path of the real Claude Code CLI installed as a devDependency. */
export function claudeCodeBinary(): string;
