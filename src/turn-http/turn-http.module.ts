import { Module } from '@nestjs/common';
import { TurnsModule } from '../turns/turns.module.js';
import { TurnResponder } from './turn-responder.js';

/** A turn over HTTP, for every API door: JSON or Server-Sent Events, cancellation, Idempotency-Key. */
@Module({
  imports: [TurnsModule],
  providers: [TurnResponder],
  exports: [TurnResponder],
})
export class TurnHttpModule {}
