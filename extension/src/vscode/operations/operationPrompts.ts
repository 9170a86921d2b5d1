/**
 * What the window says and asks around a build, in one place so the words
 * stay consistent: the Build confirmation (which commit, what is left out),
 * the agent's question about a command, the Discard confirmation, and the
 * notice when a build ends.
 */
import * as vscode from 'vscode';
import type { CommandAnswer } from '../../agents/executor/commandTool';
import type { Operation } from '../../core/operations/operation';

export interface BuildBaseInfo {
  commit: string;
  branchName: string | null;
  subject: string;
  uncommitted: string[];
}

export async function confirmBuild(featureName: string, slug: string, base: BuildBaseInfo): Promise<boolean> {
  const from = `${base.commit.slice(0, 12)} "${base.subject.slice(0, 80)}"${base.branchName ? ` on ${base.branchName}` : ' (a detached HEAD)'}`;
  const n = base.uncommitted.length;
  const leftOut =
    n > 0
      ? `\n\nUncommitted changes are not included: ${n} changed path${n === 1 ? '' : 's'} (${base.uncommitted.slice(0, 3).join(', ')}${n > 3 ? ', …' : ''}) stay as they are in your checkout. Commit them first to build with them.`
      : '';
  const picked = await vscode.window.showInformationMessage(
    `Build "${featureName}"?`,
    {
      modal: true,
      detail: `The agent builds from commit ${from}, in a new worktree on its own branch orchard/${slug}-<n>. Your files, index, branches and stash are not touched (only the blueprint's status changes); the result waits for your review.${leftOut}`,
    },
    'Build',
  );
  return picked === 'Build';
}

const ANSWERS = { 'Allow Once': 'once', 'Allow for This Build': 'operation', Deny: 'deny' } as const satisfies Record<string, CommandAnswer>;

/** The agent waits to run a command the policy does not allow on its own; undefined when the user dismissed the question. */
export async function askAboutCommand(featureName: string, question: { command: string; reason: string }, trusted: boolean): Promise<CommandAnswer | undefined> {
  const command = question.command.length > 300 ? `${question.command.slice(0, 300)}…` : question.command;
  const choices = trusted ? (['Allow Once', 'Allow for This Build', 'Deny'] as const) : (['Deny'] as const);
  const picked = await vscode.window.showWarningMessage(`The agent building "${featureName}" asks to run: ${command} — ${question.reason}`, ...choices);
  return picked ? ANSWERS[picked] : undefined;
}

export async function confirmDiscard(op: Operation, featureName: string): Promise<boolean> {
  const running = op.status === 'running' || op.status === 'pending';
  const picked = await vscode.window.showWarningMessage(
    `Discard the build of "${featureName}"?`,
    {
      modal: true,
      detail: `${running ? 'The agent is stopped, and its' : 'Its'} worktree${op.branch ? ` and branch ${op.branch}` : ''} are deleted, with everything the agent changed. Your checkout is not touched.`,
    },
    'Discard',
  );
  return picked === 'Discard';
}

/** Said once, when a followed build ends or waits; the user's own Stop says nothing more. */
export function reportEnd(op: Operation, featureName: string, actions: { showLog(): void; resume(): void }): void {
  const then = (picked: string | undefined) => {
    if (picked === 'Show Log') actions.showLog();
    if (picked === 'Resume') actions.resume();
  };
  switch (op.status) {
    case 'waiting':
      void vscode.window
        .showInformationMessage(`The build of "${featureName}" is ready for review: commit ${op.headCommit?.slice(0, 12) ?? ''} on ${op.branch ?? 'its branch'}.`, 'Show Log')
        .then(then);
      return;
    case 'failed':
      void vscode.window.showErrorMessage(`The build of "${featureName}" failed: ${op.reason ?? 'see its log'}`, 'Show Log').then(then);
      return;
    case 'lost':
      void vscode.window
        .showWarningMessage(`The build of "${featureName}" stopped: its runner ended (killed or the machine restarted). Its worktree is kept: resume the build there, or discard it from the Operations view.`, 'Resume', 'Show Log')
        .then(then);
      return;
    default:
      return;
  }
}
