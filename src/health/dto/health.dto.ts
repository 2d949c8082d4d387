import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' })
  status!: 'ok';
}

export class CheckDto {
  @ApiProperty({ enum: ['up', 'down'], example: 'up' })
  status!: 'up' | 'down';

  @ApiProperty({ example: 'embedded', description: 'What was checked, or why it is down' })
  detail!: string;
}

export class ReadinessChecksDto {
  @ApiProperty({
    type: CheckDto,
    description: 'The conversation store: redis, cluster or embedded',
    example: { status: 'up', detail: 'redis' },
  })
  store!: CheckDto;

  @ApiProperty({
    type: CheckDto,
    description: 'The model provider (down for 30 s after it was unreachable or refused us)',
    example: { status: 'up', detail: 'anthropic messages api' },
  })
  model!: CheckDto;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ok', 'error'], example: 'ok', description: '`ok` on every 200' })
  status!: 'ok' | 'error';

  @ApiProperty({ type: ReadinessChecksDto })
  checks!: ReadinessChecksDto;
}
