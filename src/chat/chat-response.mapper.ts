import { Decision } from '../orchestration/router/route-decider.service.js';
import {
  ProgressEvent,
  RoutingDecision,
  StepRecord,
  ToolCallRecord,
  TurnResult,
  TurnStart,
} from '../turns/turn.types.js';
import { ChatResponse, RoutingDto, StepDto, ToolCallDto } from './dto/chat-response.dto.js';
import { RouteDecisionDto } from './dto/route-decision.dto.js';
import { StartEventDto } from './dto/stream-events.dto.js';

export function toChatResponse({
  conversationId,
  messageId,
  answer,
  latencyMs,
}: TurnResult): ChatResponse {
  return {
    conversation_id: conversationId,
    message_id: messageId,
    response: answer.text,
    route: answer.route,
    model: answer.model,
    cached: answer.cached ?? false,
    usage: answer.usage,
    ...(answer.toolCalls && { tool_calls: answer.toolCalls.map(toToolCallDto) }),
    ...(answer.steps && { steps: answer.steps.map(toStepDto) }),
    ...(answer.routing && { routing: toRoutingDto(answer.routing) }),
    stop_reason: answer.stopReason,
    latency_ms: latencyMs,
  };
}

export function toRouteDecisionDto({ routing, candidates, latencyUs }: Decision): RouteDecisionDto {
  return { ...toRoutingDto(routing), candidates, latency_us: latencyUs };
}

function toToolCallDto(call: ToolCallRecord): ToolCallDto {
  return {
    id: call.id,
    server: call.server,
    name: call.name,
    input: call.input,
    is_error: call.isError,
    output_preview: call.outputPreview,
    duration_ms: call.durationMs,
  };
}

function toStepDto(step: StepRecord): StepDto {
  return {
    index: step.index,
    title: step.title,
    status: step.status,
    output_preview: step.outputPreview,
  };
}

function toRoutingDto(routing: RoutingDecision): RoutingDto {
  return {
    route: routing.route,
    confidence: routing.confidence,
    decided_by: routing.decidedBy,
    needs_history: routing.needsHistory,
    reason: routing.reason,
  };
}

export function startEventOf(start: TurnStart): StartEventDto {
  return {
    conversation_id: start.conversationId,
    message_id: start.messageId,
    route: start.route,
    model: start.model,
  };
}

/** A progress event as its SSE event name and data. */
export function progressEventOf(event: ProgressEvent): [string, object] {
  switch (event.type) {
    case 'delta':
      return ['delta', { text: event.text }];
    case 'tool_call':
      return ['tool_call', event.call];
    case 'tool_result': {
      const { id, isError, outputPreview, durationMs } = event.result;
      return [
        'tool_result',
        { id, is_error: isError, output_preview: outputPreview, duration_ms: durationMs },
      ];
    }
    case 'step':
      return ['step', event.step];
  }
}
