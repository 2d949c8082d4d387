import { ApiProperty } from '@nestjs/swagger';

export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'No message provided',
  })
  message!: string | string[];

  @ApiProperty({ example: '6f1c2f8e-3d4b-4d8e-9a51-1f0c7e2b9a10' })
  request_id!: string;
}
