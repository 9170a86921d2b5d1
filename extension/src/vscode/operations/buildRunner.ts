/**
 * Starts a build's runner: the extension's own `dist/cli.js build`, run by
 * the extension host's Node (`ELECTRON_RUN_AS_NODE` in desktop VS Code) as a
 * detached process, so the agent works outside the extension host's thread
 * and goes on through a Reload Window. Everything it does goes to the
 * operation's log, which the Operations view follows; what it prints before
 * the log exists (a blueprint that does not parse, a repository without a
 * commit) goes to `runners/<id>.log` in the state folder, shown when it exits
 * early. The API key reaches it in its environment, never in an argument
 * (which every user of the machine can read) or a file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RunnerRequest {
  /** dist/cli.js of this extension. */
  cliPath: string;
  repoRoot: string;
  stateDir: string;
  slug: string;
  operationId: string;
  /** Run the lost operation `operationId` again instead of a new build of `slug`. */
  resume?: boolean;
  /** Empty: the backend's own default model. */
  model: string;
  /** Orchard's loop with the Anthropic key (and endpoint), or Claude Code signed in as the user. */
  executor: { backend: 'orchard'; apiKey: string; baseUrl?: string } | { backend: 'claude-code'; executable: string };
  budgetTokens: number;
  maxParallel: number;
  /** orchard.build.copyFiles. */
  copyFiles: readonly string[];
}

export interface StartedRunner {
  pid: number | undefined;
  /** Resolves with the runner's exit code when it ends while this window lives (never after a reload). */
  exited: Promise<number | null>;
  /** What the runner wrote outside the log (its errors), for a message when it ends early. */
  output(): string;
}

/** Environment variables a runner must not inherit: another key or endpoint than the one chosen, Electron's own. */
const DROPPED = /^(ANTHROPIC_|ELECTRON_|VSCODE_IPC_HOOK|NODE_OPTIONS$)/;

export function startRunner(request: RunnerRequest): StartedRunner {
  const logDir = path.join(request.stateDir, 'runners');
  fs.mkdirSync(logDir, { recursive: true });
  const outputFile = path.join(logDir, `${request.operationId}.log`);
  const fd = fs.openSync(outputFile, 'a', 0o600);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!DROPPED.test(name)) env[name] = value;
  env.ELECTRON_RUN_AS_NODE = '1';
  if (request.executor.backend === 'orchard') {
    env.ANTHROPIC_API_KEY = request.executor.apiKey;
    if (request.executor.baseUrl) env.ANTHROPIC_BASE_URL = request.executor.baseUrl;
  }
  const args = [
    request.cliPath,
    'build',
    ...(request.resume ? ['--resume', request.operationId] : [request.slug, '--operation-id', request.operationId]),
    '--ask-in-log',
    ...(request.model ? ['--model', request.model] : []),
    ...(request.executor.backend === 'claude-code' ? ['--backend', 'claude-code', '--claude', request.executor.executable] : []),
    '--budget',
    String(request.budgetTokens),
    '--max-parallel',
    String(request.maxParallel),
    ...request.copyFiles.flatMap((pattern) => ['--copy', pattern]),
    '--state-dir',
    request.stateDir,
    '--cwd',
    request.repoRoot,
    '--format',
    'json',
  ];
  try {
    // process.execPath is an absolute path (the extension host's own binary); no shell.
    const child = spawn(process.execPath, args, { cwd: request.repoRoot, env, detached: true, stdio: ['ignore', 'ignore', fd], windowsHide: true });
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    child.unref();
    return { pid: child.pid, exited, output: () => readTail(outputFile) };
  } finally {
    fs.closeSync(fd);
  }
}

function readTail(file: string, max = 4000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > max ? text.slice(-max) : text;
  } catch {
    return '';
  }
}
