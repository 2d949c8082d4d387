import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { principalTag } from '../conversations/conversation-keys.js';
import { ConditionalSet } from '../conversations/conversation.store.js';
import {
  DELETE_IF_OWNED_SCRIPT,
  EXTEND_IF_OWNED_SCRIPT,
  SET_IF_OWNED_SCRIPT,
} from '../redis/owned-key.scripts.js';
import { RedisService, StoreOp } from '../redis/redis.service.js';

/** How long a completed request's response is kept for repeats. */
const RECORD_TTL_SECONDS = 24 * 3600;
/**
 * How long a claim lives unless its turn extends it: the turn extends it while it runs, so an instance
 * that dies mid-turn holds a retry off (409) for at most this long.
 */
export const CLAIM_TTL_MS = 30_000;

/** The Idempotency-Key a request came with, and what identifies the request (its endpoint and body). */
export interface IdempotentRequest {
  key: string;
  fingerprint: string;
}

/** A claim this request holds on its key while it runs. */
export interface Claim {
  key: string;
  value: string;
  fingerprint: string;
}

export type ClaimOutcome<Result> =
  | { kind: 'claimed'; claim: Claim }
  | { kind: 'completed'; result: Result }
  | { kind: 'in-flight' }
  | { kind: 'reused' };

type Record<Result> =
  | { state: 'running'; fingerprint: string; token: string }
  | { state: 'done'; fingerprint: string; result: Result };

/**
 * Idempotency records, one key per principal and Idempotency-Key: a claim while the first request runs,
 * then its result for 24 h. The claim and the check ride on the turn's first round trip; the result is
 * written by the turn's own append script (`completion`), so a turn and its record land together.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly store: RedisService) {}

  /** Takes the key for this request, or says who has it: a completed repeat, one in flight, another request. */
  claim<Result>(
    principal: string,
    request: IdempotentRequest,
    token: string,
  ): StoreOp<ClaimOutcome<Result>> {
    const key = `${principalTag(principal)}:idempotency:${digest(request.key)}`;
    const running: Record<Result> = { state: 'running', fingerprint: request.fingerprint, token };
    const value = JSON.stringify(running);
    return {
      commands: [
        ['set', key, value, 'PX', CLAIM_TTL_MS, 'NX'],
        ['get', key],
      ],
      parse: ([taken, stored]) => {
        if (taken === 'OK') {
          return { kind: 'claimed', claim: { key, value, fingerprint: request.fingerprint } };
        }
        // Expired between the two commands: as good as in flight, a retry will find out.
        if (typeof stored !== 'string') return { kind: 'in-flight' };
        const record = JSON.parse(stored) as Record<Result>;
        if (record.fingerprint !== request.fingerprint) return { kind: 'reused' };
        return record.state === 'done'
          ? { kind: 'completed', result: record.result }
          : { kind: 'in-flight' };
      },
    };
  }

  /** The record of a completed request, written with the turn only if the claim is still ours. */
  completion<Result>(claim: Claim, result: Result): ConditionalSet {
    const done: Record<Result> = { state: 'done', fingerprint: claim.fingerprint, result };
    return {
      key: claim.key,
      expect: claim.value,
      value: JSON.stringify(done),
      ttlSeconds: RECORD_TTL_SECONDS,
    };
  }

  /** Writes a completed request's record on its own (a turn that stores nothing else). */
  async complete(record: ConditionalSet): Promise<void> {
    await this.store.runScript(
      SET_IF_OWNED_SCRIPT,
      [record.key],
      [record.expect, record.value, record.ttlSeconds],
    );
  }

  async extend(claim: Claim): Promise<void> {
    await this.store.runScript(EXTEND_IF_OWNED_SCRIPT, [claim.key], [claim.value, CLAIM_TTL_MS]);
  }

  /** Gives the key up after a failure that stored nothing, so a retry runs anew. */
  async release(claim: Claim): Promise<void> {
    await this.store.runScript(DELETE_IF_OWNED_SCRIPT, [claim.key], [claim.value]);
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}
