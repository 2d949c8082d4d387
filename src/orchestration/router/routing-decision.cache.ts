import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { derivedDataSlot, principalTag } from '../../conversations/conversation-keys.js';
import { CacheSlot, cachedValueRead, writeCachedValue } from '../../redis/cache-slot.js';
import { RedisService } from '../../redis/redis.service.js';
import { RoutingInput } from '../../routing/routing.types.js';
import { EscalatedDecision, HISTORY_CHARS } from './route-escalation.js';

const DECISION_TTL_SECONDS = 24 * 3600;

export interface DecisionKey {
  routerVersion: string;
  input: RoutingInput;
  principal: string;
  conversationId: string;
  conversationCreatedAt?: string;
}

/**
 * Escalated routing decisions, so an ambiguous message costs one escalation across all instances.
 * Keyed by a hash of what the router saw and kept per principal: a decision shared between users would
 * tell one that another sent the same message. One derived from history is data of its conversation
 * (deleted with it).
 */
@Injectable()
export class RoutingDecisionCache {
  constructor(private readonly store: RedisService) {}

  read(key: DecisionKey): Promise<EscalatedDecision | undefined> {
    return this.store.run(cachedValueRead<EscalatedDecision>(routingDecisionSlot(key)));
  }

  async write(key: DecisionKey, decision: EscalatedDecision): Promise<void> {
    await writeCachedValue(this.store, routingDecisionSlot(key), decision, DECISION_TTL_SECONDS);
  }
}

function routingDecisionSlot({
  routerVersion,
  input,
  principal,
  conversationId,
  conversationCreatedAt,
}: DecisionKey): CacheSlot {
  const seen = JSON.stringify([
    routerVersion,
    input.toolsAvailable,
    input.history.map((turn) => [turn.role, turn.content.slice(0, HISTORY_CHARS)]),
    input.message.replace(/\s+/g, ' ').trim().toLowerCase(),
  ]);
  const hash = createHash('sha256').update(seen).digest('base64url');
  return input.history.length > 0
    ? derivedDataSlot(principal, conversationId, `route:${hash}`, conversationCreatedAt)
    : { kind: 'key', key: `${principalTag(principal)}:routing-decision:${hash}` };
}
