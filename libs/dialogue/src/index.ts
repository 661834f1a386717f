export {
  DIALOGUE,
  type Action,
  type Channel,
  type DialoguePort,
  type LeadStage,
  type Reply,
  type Route,
  type StartConversation,
  type StartedConversation,
  type TurnResult,
} from './turn-result.js';
