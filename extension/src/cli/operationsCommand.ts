/**
 * `orchard operations list | show <id> | log <id> [--follow]`: the
 * operations of a repository, from its state folder, as text or JSON. The
 * record shown is always rebuilt from the operation's log, so it is what
 * happened, not what a process last remembered.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isValidOperationId } from '../core/operations/operation';
import { parseOperationEvent } from '../core/operations/operationEvents';
import { answerQuestion, cancelOperation, discardOperation, listOperations, loadOperation } from '../orchestration/operations/operationControl';
import { defaultStateDir } from '../orchestration/operations/operationRunner';
import { followEvents, operationLogPath, readEvents } from '../store/operations/operationLog';
import { formatEvent, formatOperation, formatOperationLine } from '../core/operations/operationText';
import { parseCommandLine, UsageError, type CliCommand, type CliIo } from './registry';

const HELP = `Usage: orchard operations <list | show <id> | log <id> | cancel <id> | discard <id> | answer <id> <question> <answer>> [options]

  list              the repository's operations, newest first
  show <id>         one operation: status, phase, branch, worktree, head commit, usage
  log <id>          its events; --follow keeps printing new ones until it ends (Ctrl-C stops)
  cancel <id>       stop a running operation (its runner ends the agent), or end a lost or waiting one;
                    the worktree is kept
  discard <id>      cancel it if needed, remove its worktree and branch orchard/<slug>-<n>, blueprint back to draft
  answer <id> <question> once|operation|deny
                    answer what its agent asks (a build started with --ask-in-log; show names the question)

Options:
  --format text|json   text (default), or JSON (list and show: one object; log: JSON lines)
  --state-dir DIR      the state folder (default: per user, as orchard build uses)
  --cwd DIR            the repository (default: the current folder)
`;

const OPTIONS = {
  format: { type: 'string' },
  follow: { type: 'boolean' },
  'state-dir': { type: 'string' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const operationsCommand: CliCommand = {
  name: 'operations',
  summary: 'list operations, show one, print its log, or cancel it',
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandLine(args, OPTIONS, 'orchard operations --help');
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    const format = values.format ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`, 'orchard operations --help');
    const [sub, id, ...rest] = positionals;
    const extra = sub === 'answer' ? rest.slice(2) : rest;
    if (sub === undefined) throw new UsageError('say list, show, log, cancel, discard or answer', 'orchard operations --help');
    const repoRoot = fs.realpathSync(path.resolve(io.cwd, values.cwd ?? '.'));
    const stateDir = values['state-dir'] ? path.resolve(io.cwd, values['state-dir']) : defaultStateDir(repoRoot);
    const needId = () => {
      if (id === undefined || extra.length > 0) throw new UsageError(`orchard operations ${sub} takes one operation id`, 'orchard operations --help');
      if (!isValidOperationId(id)) throw new UsageError(`"${id}" is not an operation id (op-…, as orchard operations list prints)`, 'orchard operations --help');
      if (!fs.existsSync(path.join(stateDir, 'operations', `${id}.json`))) throw new Error(`there is no operation ${id} in ${stateDir}`);
      return id;
    };
    switch (sub) {
      case 'list': {
        if (id !== undefined) throw new UsageError('orchard operations list takes no argument', 'orchard operations --help');
        const operations = await listOperations(stateDir);
        if (format === 'json') io.out(`${JSON.stringify(operations, null, 2)}\n`);
        else if (operations.length === 0) io.out('No operations yet.\n');
        else for (const op of operations) io.out(formatOperationLine(op));
        return 0;
      }
      case 'show': {
        const op = await loadOperation(stateDir, needId());
        io.out(format === 'json' ? `${JSON.stringify(op, null, 2)}\n` : formatOperation(op));
        return 0;
      }
      case 'log': {
        const file = operationLogPath(path.join(stateDir, 'operations'), needId());
        const print = (event: Parameters<typeof formatEvent>[0]) => io.out(format === 'json' ? `${JSON.stringify(event)}\n` : formatEvent(event));
        if (!values.follow) {
          for await (const event of readEvents(file, parseOperationEvent)) print(event);
          return 0;
        }
        const controller = new AbortController();
        const stop = () => controller.abort();
        process.once('SIGINT', stop);
        try {
          for await (const event of followEvents(file, parseOperationEvent, { signal: controller.signal })) {
            print(event);
            // The operation has ended or waits: nothing more will come.
            if (event.type === 'status' && ['waiting', 'succeeded', 'failed', 'cancelled', 'lost'].includes(event.status)) break;
          }
        } finally {
          process.off('SIGINT', stop);
        }
        return 0;
      }
      case 'cancel': {
        const result = await cancelOperation(stateDir, needId(), { repoRoot });
        const words = { stopped: 'stopped by its runner', recorded: 'recorded as cancelled', 'already-ended': 'had already ended' } as const;
        io.out(format === 'json' ? `${JSON.stringify({ id, result })}\n` : `${id}: ${words[result]}\n`);
        return 0;
      }
      case 'discard': {
        const result = await discardOperation(stateDir, repoRoot, needId());
        for (const warning of result.warnings) io.err(`orchard: ${warning}\n`);
        io.out(
          format === 'json'
            ? `${JSON.stringify({ id, branchDeleted: result.branchDeleted, warnings: result.warnings })}\n`
            : `${id}: discarded; worktree removed${result.branchDeleted ? ', branch deleted' : ''}\n`,
        );
        return 0;
      }
      case 'answer': {
        const [questionId, answer] = rest;
        if (questionId === undefined || answer === undefined) throw new UsageError('orchard operations answer <id> <question> once|operation|deny', 'orchard operations --help');
        if (answer !== 'once' && answer !== 'operation' && answer !== 'deny') throw new UsageError(`the answer is once, operation or deny, not "${answer}"`, 'orchard operations --help');
        await answerQuestion(stateDir, needId(), questionId, answer);
        io.out(format === 'json' ? `${JSON.stringify({ id, questionId, answer })}\n` : `${id}: ${questionId} answered ${answer}\n`);
        return 0;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"`, 'orchard operations --help');
    }
  },
};
