import { BadRequestException, PipeTransform } from '@nestjs/common';

export const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const CONVERSATION_ID_RULE = 'conversation_id must match ^[A-Za-z0-9_-]{1,64}$';

export class ConversationIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!CONVERSATION_ID_PATTERN.test(value)) {
      throw new BadRequestException(CONVERSATION_ID_RULE);
    }
    return value;
  }
}
