/**
 * `orchard build <slug>`: a ready blueprint built by the executor agent in a
 * worktree of its own, from a terminal or a CI job, with the same engine the
 * extension runs. The model is Anthropic's API (ANTHROPIC_API_KEY, and
 * ANTHROPIC_BASE_URL for a proxy or a local server). Commands the policy
 * would ask about are refused unless `--allow-commands` is given; the deny
 * list holds either way.
 *
 * Exit codes: 0 the operation waits for approval, 1 it failed or was
 * stopped, 2 the command line is wrong.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createProvider } from '../agents/providers/createProvider';
import { DEFAULT_MODEL } from '../agents/providers/models';
import type { OperationEvent } from '../core/operations/operationEvents';
import { parseCopyPattern } from '../core/operations/copyPatterns';
import { isValidOperationId } from '../core/operations/operation';
import { DEFAULT_MAX_PARALLEL, defaultStateDir, resumeBuild, startBuild, type ResumeBuildInput } from '../orchestration/operations/operationRunner';
import { formatEvent } from '../core/operations/operationText';
import { parseCommandLine, UsageError, type CliCommand, type CliIo } from './registry';

const HELP = `Usage: orchard build <slug> [options]
       orchard build --resume <operation-id> [options]

Builds the blueprint .orchard/blueprints/<slug>.json: an executor agent implements it in a new
worktree on the branch orchard/<slug>-<n>, made from the current commit (uncommitted changes are not
included and never touched), runs the project's checks, and commits there. The operation then waits
for approval (in VS Code, or merge the branch yourself).

Options:
  --backend orchard       the executor: Orchard's agent loop (the default), or
  --backend claude-code   Claude Code (\`claude -p\`, fenced to the worktree; commands other than the
                          project's are refused, never asked), signed in or with the key below
  --claude PATH           the claude program for --backend claude-code (default: claude on PATH)
  --model NAME            the model (default ${DEFAULT_MODEL})
  --allow-commands        run commands the policy would ask about (the deny list still applies)
  --ask-in-log            instead, ask in the operation's log and wait for
                          \`orchard operations answer <id> <question> once|operation|deny\` (VS Code asks so)
  --copy PATTERN          copy files git does not hold (e.g. '.env*', 'apps/web/.env.local') into the
                          new worktree before setup; the folder part is literal; repeatable
  --max-parallel N        builds of this repository that run at once; the rest wait (default 3)
  --operation-id ID       the new operation's id (op-…), for a caller that follows it from the start
  --resume ID             run a lost build again (its runner died), in the worktree it left
  --budget TOKENS         tokens the operation may use (default 2000000)
  --max-minutes N         the agent's time, its commands included (default 60)
  --state-dir DIR         where operations, logs and worktrees live (default: per user, outside the repository)
  --format text|json      events as lines of text, or as JSON lines
  --cwd DIR               the repository (default: the current folder)

Environment: ANTHROPIC_API_KEY (required for the orchard backend), ANTHROPIC_BASE_URL (optional).
Exit codes: 0 waiting for approval, 1 failed or stopped, 2 wrong command line.
`;

const OPTIONS = {
  backend: { type: 'string' },
  claude: { type: 'string' },
  model: { type: 'string' },
  'allow-commands': { type: 'boolean' },
  'ask-in-log': { type: 'boolean' },
  'max-parallel': { type: 'string' },
  copy: { type: 'string', multiple: true },
  'operation-id': { type: 'string' },
  resume: { type: 'string' },
  budget: { type: 'string' },
  'max-minutes': { type: 'string' },
  'state-dir': { type: 'string' },
  format: { type: 'string' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What Claude Code gets of our environment's key and endpoint (other secrets are kept from it). */
function claudeCodeKeys(env: NodeJS.ProcessEnv): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL'] as const) if (env[name]) keys[name] = env[name]!;
  return keys;
}

function withoutId({ operationId: _, ...rest }: ResumeBuildInput): Omit<ResumeBuildInput, 'operationId'> {
  return rest;
}

export const buildCommand: CliCommand = {
  name: 'build',
  summary: 'build a ready blueprint in a worktree of its own, with an executor agent',
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandLine(args, OPTIONS, 'orchard build --help');
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const resume = values.resume;
    if (resume !== undefined) {
      if (positionals.length > 0 || values['operation-id'] !== undefined) throw new UsageError('--resume takes the operation id alone, without a blueprint name or --operation-id', 'orchard build --help');
      if (!isValidOperationId(resume)) throw new UsageError(`--resume "${resume}" is not an operation id (op-<time>-<hex>)`, 'orchard build --help');
    } else if (positionals.length !== 1) throw new UsageError('give exactly one blueprint name', 'orchard build --help');
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`, 'orchard build --help');
    const backend = values.backend ?? 'orchard';
    if (backend !== 'orchard' && backend !== 'claude-code') throw new UsageError(`--backend must be orchard or claude-code, not "${backend}"`, 'orchard build --help');
    if (values.claude !== undefined && backend !== 'claude-code') throw new UsageError('--claude goes with --backend claude-code', 'orchard build --help');
    const budget = values.budget === undefined ? 2_000_000 : Number(values.budget);
    if (!Number.isSafeInteger(budget) || budget <= 0) throw new UsageError(`--budget must be a positive number of tokens, not "${values.budget}"`, 'orchard build --help');
    const minutes = values['max-minutes'] === undefined ? 60 : Number(values['max-minutes']);
    if (!(minutes > 0) || !Number.isFinite(minutes)) throw new UsageError(`--max-minutes must be a positive number, not "${values['max-minutes']}"`, 'orchard build --help');
    const maxParallel = values['max-parallel'] === undefined ? DEFAULT_MAX_PARALLEL : Number(values['max-parallel']);
    if (!Number.isSafeInteger(maxParallel) || maxParallel < 1 || maxParallel > 64) throw new UsageError(`--max-parallel must be a whole number from 1 to 64, not "${values['max-parallel']}"`, 'orchard build --help');
    const givenId = values['operation-id'];
    if (givenId !== undefined && !isValidOperationId(givenId)) throw new UsageError(`--operation-id "${givenId}" is not an operation id (op-<time>-<hex>)`, 'orchard build --help');
    const copyFiles = values.copy ?? [];
    for (const pattern of copyFiles) {
      const parsed = parseCopyPattern(pattern);
      if ('problem' in parsed) throw new UsageError(`--copy: ${parsed.problem}`, 'orchard build --help');
    }
    if (values['ask-in-log'] && values['allow-commands']) throw new UsageError('give --allow-commands or --ask-in-log, not both', 'orchard build --help');
    const apiKey = process.env.ANTHROPIC_API_KEY ?? process.env.ANTHROPIC_AUTH_TOKEN;
    if (!apiKey && backend === 'orchard') throw new UsageError('set ANTHROPIC_API_KEY to the key the executor uses', 'orchard build --help');
    const baseUrl = process.env.ANTHROPIC_BASE_URL;

    const repoRoot = fs.realpathSync(path.resolve(io.cwd, values.cwd ?? '.'));
    const stateDir = values['state-dir'] ? path.resolve(io.cwd, values['state-dir']) : defaultStateDir(repoRoot);
    // Claude Code picks its own model unless one is named.
    const model = values.model ?? (backend === 'orchard' ? DEFAULT_MODEL : '');
    const allowCommands = values['allow-commands'] === true;
    const print = (event: OperationEvent) => io.out(format === 'json' ? `${JSON.stringify(event)}\n` : formatEvent(event));
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      const common: ResumeBuildInput = {
        operationId: resume ?? '',
        repoRoot,
        stateDir,
        executor:
          backend === 'orchard'
            ? { backend, provider: createProvider({ kind: 'anthropic', apiKey: apiKey!, ...(baseUrl ? { baseUrl } : {}), model }) }
            : { backend, executable: values.claude ?? 'claude', env: claudeCodeKeys(process.env) },
        model,
        budgetTokens: budget,
        wallTimeMs: minutes * 60_000,
        ask: values['ask-in-log']
          ? 'user'
          : async (command: string, reason: string) => {
              io.err(`orchard: ${allowCommands ? 'allowed' : 'refused'} (${reason}): ${command}${allowCommands ? '' : ' — --allow-commands would run it'}\n`);
              return allowCommands ? 'once' : 'deny';
            },
        maxParallel,
        copyFiles,
        onEvent: print,
        signal: controller.signal,
      };
      const { operation, outcome } =
        resume !== undefined
          ? await resumeBuild(common)
          : await startBuild({
              ...withoutId(common),
              slug: positionals[0]!,
              ...(givenId !== undefined ? { operationId: givenId } : {}),
              onStart: ({ operationId, baseCommit, branchName, uncommitted }) => {
                const from = `${baseCommit.slice(0, 12)}${branchName ? ` (${branchName})` : ' (detached HEAD)'}`;
                io.err(`orchard: operation ${operationId} builds from ${from}${uncommitted.length > 0 ? `; ${uncommitted.length} uncommitted path${uncommitted.length === 1 ? ' is' : 's are'} not included` : ''}\n`);
              },
            });
      if (format === 'text') {
        io.err(
          outcome.status === 'waiting'
            ? `orchard: ${operation.id} waits for approval: commit ${outcome.commit.slice(0, 12)} on ${outcome.branch} (worktree ${outcome.worktree})\n`
            : `orchard: ${operation.id} ${outcome.status}: ${outcome.reason}\n`,
        );
      }
      return outcome.status === 'waiting' ? 0 : 1;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};
