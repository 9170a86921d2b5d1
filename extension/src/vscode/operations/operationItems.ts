/**
 * How the Operations view looks: a group node ("Waiting for you (2)"), an
 * operation (its feature's name; status · phase · elapsed · tokens; a theme
 * icon; a tooltip with the facts: branch, worktree, commits, tokens) and its
 * phases (spinner, check, cross, skipped, each with its time). What goes
 * where and the words are core/operations/operationGroups.ts; this file only
 * makes TreeItems of them.
 *
 * Ids are the element strings, unique and stable across refreshes, so VS
 * Code keeps what the user expanded. contextValue is what package.json
 * `view/item/context` matches on: `operation:<status>[:worktree][:asks]`,
 * `group:<id>`, `phase:<state>`.
 */
import * as vscode from 'vscode';
import type { Operation } from '../../core/operations/operation';
import {
  describeOperation,
  describePhase,
  groupElement,
  groupLabel,
  GROUP_NAMES,
  phaseElement,
  statusWords,
  totalTokens,
  type OperationGroup,
  type PhaseDisplayState,
  type PhaseRow,
} from '../../core/operations/operationGroups';

const ICONS: Record<Operation['status'], [string, string?]> = {
  pending: ['clock'],
  running: ['sync~spin'],
  waiting: ['git-commit', 'charts.green'],
  succeeded: ['pass-filled', 'charts.green'],
  failed: ['error', 'errorForeground'],
  cancelled: ['circle-slash'],
  lost: ['warning', 'list.warningForeground'],
};

const PHASE_ICONS: Record<PhaseDisplayState, [string, string?]> = {
  running: ['sync~spin'],
  done: ['pass', 'charts.green'],
  failed: ['error', 'errorForeground'],
  skipped: ['debug-step-over', 'disabledForeground'],
  // It was running when its operation was stopped, lost or discarded: it did not finish.
  stopped: ['circle-slash'],
};

const GROUP_TOOLTIPS: Record<OperationGroup['id'], string> = {
  waiting: 'Builds ready for your review, builds whose agent asks to run a command, and builds whose runner stopped (resume or discard them).',
  running: 'Builds queued or running in their worktrees.',
  recent: 'Builds that ended: approved, failed or cancelled (the newest 20; `orchard operations list` has all).',
};

const icon = ([name, color]: [string, string?]) => new vscode.ThemeIcon(name, color ? new vscode.ThemeColor(color) : undefined);

export function groupItem(group: OperationGroup): vscode.TreeItem {
  const item = new vscode.TreeItem(groupLabel(group), vscode.TreeItemCollapsibleState.Expanded);
  item.id = groupElement(group.id);
  item.contextValue = `group:${group.id}`;
  item.tooltip = GROUP_TOOLTIPS[group.id];
  item.accessibilityInformation = { label: `${GROUP_NAMES[group.id]}: ${group.operations.length === 1 ? '1 build' : `${group.operations.length} builds`}` };
  return item;
}

export function operationItem(op: Operation, featureName: string | undefined, showLogCommand: string, now: number): vscode.TreeItem {
  const name = featureName ?? op.slug;
  const hasPhases = (op.phases?.length ?? 0) > 0;
  // A running build opens on its phases; an ended one stays closed (VS Code keeps what the user chose, by id).
  const collapsible = !hasPhases
    ? vscode.TreeItemCollapsibleState.None
    : op.status === 'running'
      ? vscode.TreeItemCollapsibleState.Expanded
      : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(name, collapsible);
  item.id = op.id;
  item.description = describeOperation(op, now);
  item.iconPath = icon(op.question ? ['question', 'list.warningForeground'] : ICONS[op.status]);
  item.contextValue = `operation:${op.status}${op.worktree ? ':worktree' : ''}${op.question ? ':asks' : ''}`;
  item.command = { command: showLogCommand, title: 'Show Log', arguments: [op.id] };
  item.accessibilityInformation = { label: `${name}: build ${item.description}` };
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(name)}** — build ${escape(statusWords(op))}${op.status === 'running' && op.phase ? ` · ${op.phase}` : ''}\n\n`);
  if (op.question) md.appendMarkdown(`Asks to run \`${op.question.command.replace(/`/g, "'").slice(0, 300)}\` (${escape(op.question.reason)})\n\n`);
  if (op.reason && op.status !== 'running') md.appendMarkdown(`${escape(op.reason)}\n\n`);
  const facts = [
    `Blueprint: \`${op.slug}\``,
    `Base commit: \`${op.baseCommit.slice(0, 12)}\``,
    ...(op.branch ? [`Branch: \`${op.branch}\``] : []),
    ...(op.headCommit ? [`Commit: \`${op.headCommit.slice(0, 12)}\``] : []),
    ...(op.worktree ? [`Worktree: \`${op.worktree}\``] : []),
    `Tokens: ${totalTokens(op.usage).toLocaleString('en-US')}`,
    `Started: ${new Date(op.createdAt).toLocaleString()}`,
    `Operation: \`${op.id}\``,
  ];
  md.appendMarkdown(facts.join('  \n'));
  item.tooltip = md;
  return item;
}

/** A phase under its operation; a click opens the operation's log like the operation does. */
export function phaseItem(op: Operation, row: PhaseRow, showLogCommand: string): vscode.TreeItem {
  const item = new vscode.TreeItem(row.phase, vscode.TreeItemCollapsibleState.None);
  item.id = phaseElement(op.id, row.phase);
  item.description = describePhase(row);
  item.iconPath = icon(PHASE_ICONS[row.state]);
  item.contextValue = `phase:${row.state}`;
  item.command = { command: showLogCommand, title: 'Show Log', arguments: [op.id] };
  item.tooltip = `Phase ${row.phase}: ${describePhase(row)}`;
  item.accessibilityInformation = { label: `phase ${row.phase}: ${describePhase(row)}` };
  return item;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
