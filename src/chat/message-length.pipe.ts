import { BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ChatRequest } from './dto/chat-request.dto.js';

/** MAX_MESSAGE_CHARS is configuration, so it is checked here rather than in the DTO's decorators. */
@Injectable()
export class MessageLengthPipe implements PipeTransform<ChatRequest, ChatRequest> {
  constructor(private readonly config: AppConfig) {}

  transform(request: ChatRequest): ChatRequest {
    const limit = this.config.chat.maxMessageChars;
    if (request.message.length > limit) {
      throw new BadRequestException(
        `message is longer than ${limit} characters (MAX_MESSAGE_CHARS)`,
      );
    }
    return request;
  }
}
