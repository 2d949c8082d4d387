import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../auth/principal.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { rawHttp } from '../common/request-id.js';
import { DirectChatService } from '../direct/direct-chat.service.js';
import { McpAgentService } from '../mcp/mcp-agent.service.js';
import { OrchestratedChatService } from '../orchestration/orchestrated-chat.service.js';
import { CountedByTurn } from '../rate-limit/rate-limit.guard.js';
import { TurnResponder } from '../turn-http/turn-responder.js';
import { ChatExecutor } from '../turns/turn.types.js';
import { UltrafastChatService } from '../ultrafast/ultrafast-chat.service.js';
import { completionFormat } from './completion-format.js';
import { turnRequestOf } from './completion-request.js';
import { ChatCompletionRequest } from './dto/chat-completion-request.dto.js';
import { ChatCompletionDto, ModelDto, ModelListDto } from './dto/chat-completion.dto.js';
import { OpenAiErrorDto } from './dto/openai-error.dto.js';
import { ModelNotFoundError } from '../common/errors.js';
import { ApiErrorResponses } from '../common/api-error-responses.js';

/** Every `/v1` error has OpenAI's body. */
const OPENAI_ERRORS = { type: OpenAiErrorDto };

/** When the model ids were published, as `created` in the model list. */
const MODELS_CREATED = 1_764_547_200;

/**
 * The OpenAI-compatible door: `/v1/models` and `/v1/chat/completions` over the same routes, turn flow
 * and services as `/api/v1/chat/*`. A client with base URL `…/v1` and one of our keys just works.
 */
@ApiTags('openai')
@ApiBearerAuth()
@Controller('v1')
export class OpenAiController {
  private readonly models: ReadonlyMap<string, ChatExecutor<unknown>>;
  private readonly maxMessageChars: number;

  constructor(
    private readonly responder: TurnResponder,
    config: AppConfig,
    direct: DirectChatService,
    agent: McpAgentService,
    ultrafast: UltrafastChatService,
    orchestrated: OrchestratedChatService,
  ) {
    this.maxMessageChars = config.chat.maxMessageChars;
    this.models = new Map<string, ChatExecutor<unknown>>([
      ['orchestrated', orchestrated],
      ['direct', direct],
      ['ultrafast', ultrafast],
      ['mcp-agent', agent],
    ]);
  }

  @Get('models')
  @ApiOperation({
    summary: 'The models: one per route (orchestrated, direct, ultrafast, mcp-agent)',
  })
  @ApiOkResponse({ type: ModelListDto, description: 'The model list' })
  @ApiErrorResponses([401, 429, 503], {}, OPENAI_ERRORS)
  listModels(): ModelListDto {
    return { object: 'list', data: [...this.models.keys()].map(modelOf) };
  }

  @Get('models/:model')
  @ApiOperation({ summary: 'One model (404 model_not_found for another id)' })
  @ApiParam({ name: 'model', description: 'A model id from the list', example: 'orchestrated' })
  @ApiOkResponse({ type: ModelDto, description: 'The model' })
  @ApiErrorResponses(
    [401, 404, 429, 503],
    {},
    {
      ...OPENAI_ERRORS,
      descriptions: { 404: 'No model with this id (model_not_found)' },
    },
  )
  retrieveModel(@Param('model') model: string): ModelDto {
    if (!this.models.has(model)) throw new ModelNotFoundError(model);
    return modelOf(model);
  }

  @Post('chat/completions')
  @HttpCode(200)
  @CountedByTurn()
  @ApiOperation({
    summary: 'An OpenAI chat completion, answered by the route the model names',
    description:
      'Stateless by default: the request’s messages are the history and nothing is stored. With ' +
      '`metadata.conversation_id`, only the last user message is taken and the turn is stored in that ' +
      'conversation. `stream: true` answers chat.completion.chunk events ending in `data: [DONE]`. ' +
      'Errors have OpenAI’s shape `{error: {message, type, param, code}}`.',
  })
  @ApiBody({ type: ChatCompletionRequest })
  @ApiOkResponse({ type: ChatCompletionDto, description: 'A chat.completion (or its chunks)' })
  @ApiErrorResponses(
    [400, 401, 404, 409, 413, 415, 422, 429, 502, 503, 504],
    {},
    {
      ...OPENAI_ERRORS,
      descriptions: {
        400: 'Bad input or a parameter we cannot honour; `param` names it',
        404: 'Unknown model (model_not_found), or unknown `metadata.conversation_id` (conversation_not_found)',
      },
    },
  )
  createChatCompletion(
    @Principal() principal: string,
    @Body() body: ChatCompletionRequest,
    @Req() req: unknown,
    @Res() res: unknown,
  ): Promise<void> {
    const executor = this.models.get(body.model);
    if (!executor) throw new ModelNotFoundError(body.model);
    const request = turnRequestOf(body, this.maxMessageChars);
    return this.responder.respond({ reply: res, ...rawHttp(req, res) }, principal, {
      request,
      executor,
      stream: body.stream === true,
      identity: [body.model, request],
      format: completionFormat({
        model: body.model,
        includeUsage: body.stream_options?.include_usage === true,
      }),
    });
  }
}

function modelOf(id: string): ModelDto {
  return { id, object: 'model', created: MODELS_CREATED, owned_by: 'orchestrated-chat' };
}
