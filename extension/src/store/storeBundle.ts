/**
 * Entry point of the lazily loaded `dist/store.js` bundle for the extension
 * host (vscode/lazyBundle.ts): the blueprint store and simple-git stay out of
 * the activation bundle and load the first time history is asked for.
 */
export { BlueprintStore, REF_PREFIX, revisionMessage } from './blueprintStore';
export type { Revision, RevisionContent, SaveOptions, SaveResult } from './blueprintStore';
export * from './blueprintStoreErrors';
export { StudioDb } from './studioDb';
export { blueprintsFromRefs, recordRevision } from './blueprintIndexSync';
