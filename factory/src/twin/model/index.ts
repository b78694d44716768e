/** The twin's scripted Messages API (issue 3 §3). */
export { createModelServer } from './server.ts';
export type { ModelServer, ModelServerOptions, RecordedRequest } from './server.ts';
export { MODEL_FAULTS, matchesRequest } from './script.ts';
export type {
  ModelFault,
  ModelScript,
  RequestMatcher,
  ScriptedFault,
  ScriptedReply,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptStep,
} from './script.ts';
export { estimateTokens } from './cache.ts';
export type { CacheUsage } from './cache.ts';
export type { MessagesRequest } from './request.ts';
