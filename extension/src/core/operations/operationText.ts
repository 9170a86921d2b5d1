/**
 * Operation events and records as lines of text: what `orchard build`
 * prints as it goes, `orchard operations` shows, and the extension's
 * operation log document holds. Command output is as it came, everything
 * else one short line.
 */
import type { Operation } from './operation';
import type { OperationEvent } from './operationEvents';

const oneLine = (text: string, max = 200) => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const ANSWER_WORDS = { once: 'allowed once', operation: 'allowed for this operation', deny: 'denied' } as const;

export function formatEvent(event: OperationEvent): string {
  switch (event.type) {
    case 'status':
      return `[status] ${event.status}${event.reason ? `: ${oneLine(event.reason, 400)}` : ''}\n`;
    case 'worktree':
      return `[worktree] ${event.branch} at ${event.path}\n`;
    case 'phase-started':
      return `[phase] ${event.phase}\n`;
    case 'phase-ended':
      return event.outcome === 'done' ? '' : `[phase] ${event.phase} ${event.outcome}\n`;
    case 'agent-text':
      return `${event.text.trimEnd()}\n`;
    case 'tool-call':
      return `[tool] ${event.tool} ${oneLine(event.input, 160)}\n`;
    case 'tool-result':
      return event.ok ? '' : `[tool] refused: ${oneLine(event.output, 300)}\n`;
    case 'command-output':
      return event.text;
    case 'command-exit':
      return event.exitCode === 0 ? '' : `[command] ${event.timedOut ? 'timed out' : `exit ${event.exitCode ?? event.signal}`}\n`;
    case 'gate-result':
      return `[gate] ${event.gate} ${event.passed ? 'passed' : 'failed'}: ${oneLine(event.summary)}\n`;
    case 'review-result':
      return `[review] ${event.reviewer} ${event.verdict}: ${oneLine(event.summary)}\n`;
    case 'usage':
      return '';
    case 'commit':
      return `[commit] ${event.commit.slice(0, 12)} ${oneLine(event.message)}\n`;
    case 'error':
      return `[error] ${oneLine(event.message, 400)}\n`;
    case 'question':
      return `[asks] ${event.questionId}: may it run \`${oneLine(event.command, 300)}\`? (${oneLine(event.reason)})\n`;
    case 'answer':
      return `[answer] ${event.questionId}: ${ANSWER_WORDS[event.answer]}\n`;
    case 'worktree-removed':
      return `[worktree] removed${event.branchDeleted ? ', branch deleted' : ''}\n`;
  }
}

export function formatOperationLine(op: Operation): string {
  const tokens = op.usage.inputTokens + op.usage.outputTokens + op.usage.cacheReadTokens + op.usage.cacheWriteTokens;
  return `${op.id}  ${op.status.padEnd(9)}  ${op.kind} ${op.slug}${op.branch ? `  ${op.branch}` : ''}  ${op.createdAt}  ${tokens.toLocaleString('en-US')} tokens\n`;
}

export function formatOperation(op: Operation): string {
  return [
    `operation  ${op.id}`,
    `kind       ${op.kind} (${op.backend})`,
    `blueprint  ${op.slug}`,
    `status     ${op.status}${op.discarded ? ' (discarded)' : ''}${op.reason ? `: ${op.reason}` : ''}`,
    `phase      ${op.phase ?? '—'}`,
    `base       ${op.baseCommit}`,
    `branch     ${op.branch ?? '—'}`,
    `worktree   ${op.worktree ?? '—'}`,
    `head       ${op.headCommit ?? '—'}`,
    ...(op.question ? [`asks       ${op.question.id}: may it run \`${op.question.command}\`? (${op.question.reason})`] : []),
    `usage      ${op.usage.inputTokens} in, ${op.usage.outputTokens} out, ${op.usage.cacheReadTokens} cache read, ${op.usage.cacheWriteTokens} cache write`,
    `created    ${op.createdAt}`,
    `updated    ${op.updatedAt}`,
    ...(op.endedAt ? [`ended      ${op.endedAt}`] : []),
    '',
  ].join('\n');
}
