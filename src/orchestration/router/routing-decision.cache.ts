import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { derivedDataSlot } from '../../conversations/conversation-keys.js';
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
}

/**
 * Escalated routing decisions, so an ambiguous message costs one escalation across all instances.
 * Keyed by a hash of what the router saw: shared by every principal when no history was involved,
 * else derived data of the conversation (deleted with it).
 */
@Injectable()
export class RoutingDecisionCache {
  constructor(private readonly store: RedisService) {}

  read(key: DecisionKey): Promise<EscalatedDecision | undefined> {
    return this.store.read(cachedValueRead<EscalatedDecision>(routingDecisionSlot(key)));
  }

  async write(key: DecisionKey, decision: EscalatedDecision): Promise<void> {
    await writeCachedValue(this.store, routingDecisionSlot(key), decision, DECISION_TTL_SECONDS);
  }
}

export function routingDecisionSlot({
  routerVersion,
  input,
  principal,
  conversationId,
}: DecisionKey): CacheSlot {
  const seen = JSON.stringify([
    routerVersion,
    input.toolsAvailable,
    input.history.map((turn) => [turn.role, turn.content.slice(0, HISTORY_CHARS)]),
    input.message.replace(/\s+/g, ' ').trim().toLowerCase(),
  ]);
  const hash = createHash('sha256').update(seen).digest('base64url');
  return input.history.length > 0
    ? derivedDataSlot(principal, conversationId, `route:${hash}`)
    : { kind: 'key', key: `chat:routing-decision:{${hash}}` };
}
