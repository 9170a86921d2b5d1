/**
 * The entry point of dist/agents.js: the Architect, the model providers (the
 * Anthropic SDK is bundled here) and design reference fetching. The chat
 * service loads it through lazyBundle on the first chat/send, never at
 * activation or when a chat is only opened. No `vscode` import.
 */
export { runArchitectTurn } from './architect/architect';
export { createProvider } from './providers/createProvider';
export { extractReferenceUrls, fetchReference } from './references/designReferences';
