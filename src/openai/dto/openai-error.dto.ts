import { ApiProperty } from '@nestjs/swagger';

class OpenAiErrorDetailDto {
  @ApiProperty({
    example: "The model 'gpt-4o' does not exist: use orchestrated, direct, ultrafast or mcp-agent",
  })
  message!: string;

  @ApiProperty({
    example: 'invalid_request_error',
    description:
      'invalid_request_error, authentication_error, rate_limit_error, or api_error for a 5xx',
  })
  type!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'model',
    description: 'The request parameter at fault, where one is',
  })
  param!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'model_not_found',
    description: 'A machine-readable code, e.g. model_not_found or rate_limit_exceeded',
  })
  code!: string | null;
}

/** OpenAI's error body, which every `/v1` route answers with and its SDKs read to raise typed errors. */
export class OpenAiErrorDto {
  @ApiProperty({ type: OpenAiErrorDetailDto })
  error!: OpenAiErrorDetailDto;
}
