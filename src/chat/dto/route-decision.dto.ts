import { ApiProperty } from '@nestjs/swagger';
import { ROUTES } from '../../routing/routing.types.js';
import { RoutingDto } from './chat-response.dto.js';

export class RouteScoreDto {
  @ApiProperty({ enum: ROUTES, example: 'complex' })
  route!: string;

  @ApiProperty({ example: 0.91 })
  score!: number;
}

/** The dry run's answer: the routing decision, every route's score and how long deciding took. */
export class RouteDecisionDto extends RoutingDto {
  @ApiProperty({ type: [RouteScoreDto] })
  candidates!: RouteScoreDto[];

  @ApiProperty({ example: 14, description: 'Decision time in microseconds' })
  latency_us!: number;
}
