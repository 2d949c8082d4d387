import { ApiProperty } from '@nestjs/swagger';
import { type Route, ROUTES } from '../../routing/routing.types.js';
import { RoutingDto } from './chat-response.dto.js';

export class RouteScoreDto {
  @ApiProperty({ enum: ROUTES, example: 'complex' })
  route!: Route;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.91 })
  score!: number;
}

/** The dry run's answer: the routing decision, every route's score and how long deciding took. */
export class RouteDecisionDto extends RoutingDto {
  @ApiProperty({
    type: [RouteScoreDto],
    description: 'Every route’s score from the local analysis, highest first; they sum to 1',
  })
  candidates!: RouteScoreDto[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 14,
    description:
      'The routing decision’s own time in microseconds (local analysis, plus the escalation when ' +
      'it runs), not the history read around it',
  })
  latency_us!: number;
}
