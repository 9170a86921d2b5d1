/**
 * Command ids, declared once. package.json contributes the same ids; the
 * unit test `packageJson.test.ts` checks the two stay in sync.
 */
export const CommandId = {
  openStudio: 'orchard.openStudio',
  setApiKey: 'orchard.setApiKey',
  clearApiKey: 'orchard.clearApiKey',
  approveAgentChanges: 'orchard.approveAgentChanges',
  newBlueprint: 'orchard.newBlueprint',
  blueprintHistory: 'orchard.blueprintHistory',
  buildBlueprint: 'orchard.buildBlueprint',
  showLog: 'orchard.showLog',
  focusStudioPane: 'orchard.focusStudioPane',
  refreshOperations: 'orchard.operations.refresh',
  showOperationLog: 'orchard.operations.showLog',
  stopOperation: 'orchard.operations.stop',
  discardOperation: 'orchard.operations.discard',
  openOperationWorktree: 'orchard.operations.openWorktree',
  answerOperation: 'orchard.operations.answer',
  resumeOperation: 'orchard.operations.resume',
  showAgents: 'orchard.showAgents',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const ViewId = {
  container: 'orchard',
  architect: 'orchard.architect',
  operations: 'orchard.operations',
  studioPanel: 'orchard.studio',
  agentsPanel: 'orchard.agents',
} as const;
