import { Route } from '../routing/routing.types.js';

type Role = 'user' | 'assistant';

export interface StoredMessage {
  message_id: string;
  role: Role;
  content: string;
  route: Route;
  model: string;
  created_at: string;
}

export interface ConversationSummary {
  conversation_id: string;
  title: string;
  created_at: string;
  updated_at: string;
  message_count: number;
}

export interface ConversationDetail {
  conversation_id: string;
  title: string;
  created_at: string;
  updated_at: string;
  /** One page, oldest first. */
  messages: StoredMessage[];
  /** The message_id to pass as `before` for the page before this one; null when none is older. */
  next_before: string | null;
}

export interface ConversationPage {
  items: ConversationSummary[];
  next_cursor: string | null;
}

/** One completed exchange, written as a unit. */
export interface Turn {
  user: StoredMessage;
  assistant: StoredMessage;
}
