import { ApiProperty } from '@nestjs/swagger';

export class ModelDto {
  @ApiProperty({ example: 'orchestrated' })
  id!: string;

  @ApiProperty({ example: 'model' })
  object!: 'model';

  @ApiProperty({ type: 'integer', example: 1764547200 })
  created!: number;

  @ApiProperty({ example: 'orchestrated-chat' })
  owned_by!: string;
}

export class ModelListDto {
  @ApiProperty({ example: 'list' })
  object!: 'list';

  @ApiProperty({ type: [ModelDto] })
  data!: ModelDto[];
}

class CompletionMessageDto {
  @ApiProperty({ example: 'assistant' })
  role!: 'assistant';

  @ApiProperty({ example: 'The capital of France is Paris.' })
  content!: string;

  @ApiProperty({ type: String, nullable: true, example: null })
  refusal!: null;
}

class CompletionChoiceDto {
  @ApiProperty({ type: 'integer', example: 0 })
  index!: number;

  @ApiProperty({ type: CompletionMessageDto })
  message!: CompletionMessageDto;

  @ApiProperty({ type: Object, nullable: true, example: null })
  logprobs!: null;

  @ApiProperty({ enum: ['stop', 'length'], example: 'stop' })
  finish_reason!: 'stop' | 'length';
}

class CompletionUsageDto {
  @ApiProperty({ type: 'integer', example: 12 })
  prompt_tokens!: number;

  @ApiProperty({ type: 'integer', example: 9 })
  completion_tokens!: number;

  @ApiProperty({ type: 'integer', example: 21 })
  total_tokens!: number;
}

/** OpenAI's chat.completion. */
export class ChatCompletionDto {
  @ApiProperty({ example: 'chatcmpl-m_3kTq8ZpV1yQeWmB0aL' })
  id!: string;

  @ApiProperty({ example: 'chat.completion' })
  object!: 'chat.completion';

  @ApiProperty({ type: 'integer', example: 1764547200 })
  created!: number;

  @ApiProperty({ example: 'orchestrated', description: 'The model id as requested' })
  model!: string;

  @ApiProperty({ type: [CompletionChoiceDto] })
  choices!: CompletionChoiceDto[];

  @ApiProperty({ type: CompletionUsageDto })
  usage!: CompletionUsageDto;
}
