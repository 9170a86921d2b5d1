/**
 * How an operation looks in the Operations view: its label, a status in
 * words, a theme icon, a tooltip with the facts (branch, worktree, commits,
 * tokens) and a contextValue the view's menus match on
 * (`operation:<status>[:worktree][:asks]`, see package.json `view/item/context`).
 */
import * as vscode from 'vscode';
import type { Operation } from '../../core/operations/operation';

const STATUS_WORDS: Record<Operation['status'], string> = {
  pending: 'queued',
  running: 'running',
  waiting: 'ready for review',
  succeeded: 'approved',
  failed: 'failed',
  cancelled: 'cancelled',
  lost: 'lost (its runner stopped)',
};

const ICONS: Record<Operation['status'], [string, string?]> = {
  pending: ['clock'],
  running: ['sync~spin'],
  waiting: ['git-commit', 'charts.green'],
  succeeded: ['pass-filled', 'charts.green'],
  failed: ['error', 'errorForeground'],
  cancelled: ['circle-slash'],
  lost: ['warning', 'list.warningForeground'],
};

export function statusWords(op: Operation): string {
  if (op.question) return 'asks to run a command';
  if (op.status === 'running' && op.phase) return `running · ${op.phase}`;
  if (op.discarded) return 'discarded';
  return STATUS_WORDS[op.status];
}

function tokens(op: Operation): number {
  return op.usage.inputTokens + op.usage.outputTokens + op.usage.cacheReadTokens + op.usage.cacheWriteTokens;
}

export function operationItem(op: Operation, featureName: string | undefined, showLogCommand: string): vscode.TreeItem {
  const item = new vscode.TreeItem(featureName ?? op.slug, vscode.TreeItemCollapsibleState.None);
  item.id = op.id;
  item.description = statusWords(op);
  const [icon, color] = op.question ? ['question', 'list.warningForeground'] : ICONS[op.status];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = `operation:${op.status}${op.worktree ? ':worktree' : ''}${op.question ? ':asks' : ''}`;
  item.command = { command: showLogCommand, title: 'Show Log', arguments: [op.id] };
  item.accessibilityInformation = { label: `${featureName ?? op.slug}: build ${statusWords(op)}` };
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(featureName ?? op.slug)}** — build ${escape(statusWords(op))}\n\n`);
  if (op.question) md.appendMarkdown(`Asks to run \`${op.question.command.replace(/`/g, "'").slice(0, 300)}\` (${escape(op.question.reason)})\n\n`);
  if (op.reason && op.status !== 'running') md.appendMarkdown(`${escape(op.reason)}\n\n`);
  const facts = [
    `Blueprint: \`${op.slug}\``,
    `Base commit: \`${op.baseCommit.slice(0, 12)}\``,
    ...(op.branch ? [`Branch: \`${op.branch}\``] : []),
    ...(op.headCommit ? [`Commit: \`${op.headCommit.slice(0, 12)}\``] : []),
    ...(op.worktree ? [`Worktree: \`${op.worktree}\``] : []),
    `Tokens: ${tokens(op).toLocaleString('en-US')}`,
    `Started: ${new Date(op.createdAt).toLocaleString()}`,
    `Operation: \`${op.id}\``,
  ];
  md.appendMarkdown(facts.join('  \n'));
  item.tooltip = md;
  return item;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
