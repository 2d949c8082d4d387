import { ApiProperty } from '@nestjs/swagger';

/** The one error body of every route: `{statusCode, error, message, request_id}`. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status, repeated' })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: 'The status’s standard reason phrase' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'What went wrong; several validation problems come as an array',
    example: 'No message provided',
  })
  message!: string | string[];

  @ApiProperty({
    example: '6f1c2f8e-3d4b-4d8e-9a51-1f0c7e2b9a10',
    description: 'The X-Request-Id of this response, for the logs',
  })
  request_id!: string;
}
