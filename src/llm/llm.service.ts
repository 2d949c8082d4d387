import Anthropic from '@anthropic-ai/sdk';
import type { ClientOptions } from '@anthropic-ai/sdk';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig, LlmConfig } from '../config/app-config.js';
import { PastMessage, toModelMessages } from './history-window.js';
import {
  ModelCallCancelledError,
  ModelCredentialsError,
  ModelUnreachableError,
  toModelError,
} from './llm-errors.js';
import { fromMessage, StreamedReply, toMessageParams, toToolParams } from './messages-api.js';
import { ModelMessage, ModelReply, ModelTool, ModelToolChoice } from './model.types.js';
import { startOfflineModelServer } from './offline/offline-model-server.js';
import type { LocalServer } from './offline/messages-wire.js';
import { describeFault, isDroppedResponse, isTransientStreamError } from './provider-faults.js';
import { RETRIES_AFTER_RESPONSE_BEGAN, retryBegunResponses } from './provider-retry.js';

const ANTHROPIC_API_URL = 'https://api.anthropic.com';
/**
 * The SDK's own retries: connection failures before the headers, and 408/409/429/5xx (honouring
 * retry-after). A response that breaks after it began is retried by `send`.
 */
const SDK_RETRIES = 2;
/** How long readiness reports the provider down after a call found it unreachable or refusing us. */
const FAILURE_MEMORY_MS = 30_000;

export interface ModelCall {
  model: string;
  system?: string;
  messages: ModelMessage[];
  maxTokens: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  tools?: ModelTool[];
  toolChoice?: ModelToolChoice;
  /** A deadline shorter than LLM_TIMEOUT_MS (for example the router's escalation). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Streams the answer: called with each piece of text as the model writes it. The stream waits for
   * the returned promise, so a slow reader slows the model's stream instead of filling memory. A
   * stream that breaks before any text is retried; once text has been handed on, it fails (502).
   */
  onText?: (text: string) => Promise<void>;
}

type RequestOptions = { signal: AbortSignal; timeout: number };

export interface ProviderStatus {
  usable: boolean;
  detail: string;
}

/**
 * The one Anthropic client of the app. Every model call goes through `create`, which applies the
 * deadline (retries included) and maps provider failures to 502/503/504.
 */
@Injectable()
export class LLMService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LLM');
  private readonly config: LlmConfig;
  private readonly historyMaxTokens: number;
  private client!: Anthropic;
  private offlineServer?: LocalServer;
  private lastFailure?: { error: ModelUnreachableError | ModelCredentialsError; at: number };

  constructor(appConfig: AppConfig) {
    this.config = appConfig.llm;
    this.historyMaxTokens = appConfig.conversations.historyMaxTokens;
  }

  get defaultModel(): string {
    return this.config.defaultModel;
  }

  get fastModel(): string {
    return this.config.fastModel;
  }

  async onModuleInit(): Promise<void> {
    let baseURL = this.config.baseUrl ?? ANTHROPIC_API_URL;
    if (this.config.offline) {
      this.offlineServer = await startOfflineModelServer();
      baseURL = this.offlineServer.url;
      this.logger.warn(
        'No ANTHROPIC_API_KEY or ANTHROPIC_BASE_URL: answers come from the EMBEDDED OFFLINE MODEL ' +
          '(deterministic, labelled "offline" in every answer). Set ANTHROPIC_API_KEY for real answers.',
      );
    }
    this.client = new Anthropic({
      apiKey: this.config.apiKey ?? 'not-configured',
      baseURL,
      maxRetries: SDK_RETRIES,
      timeout: this.config.timeoutMs,
      // Set here so ANTHROPIC_LOG cannot turn on the SDK's debug log, which prints bodies.
      logLevel: 'warn',
      logger: sdkLogger(this.logger),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.offlineServer?.close();
  }

  /** History (already cut to the message window) plus the new message, trimmed to HISTORY_MAX_TOKENS. */
  toMessages(history: PastMessage[], message: string): ModelMessage[] {
    return toModelMessages(history, message, this.historyMaxTokens);
  }

  async create(call: ModelCall): Promise<ModelReply> {
    const timeoutMs = Math.min(call.timeoutMs ?? this.config.timeoutMs, this.config.timeoutMs);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: call.model,
      system: call.system,
      messages: toMessageParams(call.messages),
      max_tokens: call.maxTokens,
      ...(call.temperature !== undefined && { temperature: call.temperature }),
      ...(call.topP !== undefined && { top_p: call.topP }),
      ...(call.stopSequences?.length && { stop_sequences: call.stopSequences }),
      tools: toToolParams(call.tools),
      tool_choice: call.toolChoice,
    };
    const options = { signal, timeout: timeoutMs };
    try {
      const reply = await this.send(params, options, performance.now() + timeoutMs, call.onText);
      this.lastFailure = undefined;
      return reply;
    } catch (error) {
      const mapped = toModelError(error, timeoutMs, deadline.aborted);
      this.remember(mapped, error);
      throw mapped;
    }
  }

  /**
   * One model call with the retries the SDK leaves to us: a response that broke after it began.
   * A stream is retried only while none of its text has been handed on; after that a retry would
   * repeat text the reader already has, so the failure stands.
   */
  private send(
    params: Anthropic.MessageCreateParamsNonStreaming,
    options: RequestOptions,
    deadline: number,
    onText?: (text: string) => Promise<void>,
  ): Promise<ModelReply> {
    let textHandedOn = false;
    const attempt = onText
      ? () =>
          this.streamed(params, options, (text) => {
            textHandedOn ||= text.length > 0;
            return onText(text);
          })
      : async () => fromMessage(await this.client.messages.create(params, options));
    return retryBegunResponses(attempt, {
      signal: options.signal,
      deadline,
      retryable: (error) =>
        !textHandedOn && (isDroppedResponse(error) || isTransientStreamError(error)),
      onRetry: (error, retry, delayMs) =>
        this.logger.warn(
          `Model response broke after it began (${describeFault(error)}); retry ` +
            `${retry} of ${RETRIES_AFTER_RESPONSE_BEGAN} in ${delayMs} ms`,
        ),
    });
  }

  /**
   * The response's events are pulled one at a time and each text delta is awaited, so a slow reader
   * slows the reading of the provider's response (TCP does the rest) instead of filling memory.
   */
  private async streamed(
    params: Anthropic.MessageCreateParamsNonStreaming,
    options: RequestOptions,
    onText: (text: string) => Promise<void>,
  ): Promise<ModelReply> {
    const events = await this.client.messages.create({ ...params, stream: true }, options);
    const reply = new StreamedReply();
    for await (const event of events) {
      reply.add(event);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        await onText(event.delta.text);
      }
    }
    return reply.reply();
  }

  /**
   * Not usable for a while after a call found the provider unreachable or refusing our credentials.
   * The memory is short so an instance taken out of rotation comes back and tries again by itself.
   */
  providerStatus(): ProviderStatus {
    if (this.config.offline) return { usable: true, detail: 'embedded offline model' };
    const failure = this.lastFailure;
    if (failure && Date.now() - failure.at < FAILURE_MEMORY_MS) {
      return { usable: false, detail: failure.error.message };
    }
    return { usable: true, detail: 'anthropic messages api' };
  }

  /** Logs the failure by status, type and request id only: a provider body may echo our request. */
  private remember(mapped: Error, original: unknown): void {
    if (mapped instanceof ModelCredentialsError || mapped instanceof ModelUnreachableError) {
      this.lastFailure = { error: mapped, at: Date.now() };
    }
    // A call its caller cancelled (a client that left, a spent budget) is not the provider's fault.
    if (mapped instanceof ModelCallCancelledError) return;
    this.logger.warn(`Model call failed: ${mapped.message} (${describeFault(original)})`);
  }
}

/**
 * The SDK's log through ours, its first argument only: the rest may be a body (it logs the data of
 * an SSE event it cannot parse, for one).
 */
function sdkLogger(logger: Logger): ClientOptions['logger'] {
  return {
    error: (message: string) => logger.error(`Anthropic SDK: ${message}`),
    warn: (message: string) => logger.warn(`Anthropic SDK: ${message}`),
    info: (message: string) => logger.debug(`Anthropic SDK: ${message}`),
    debug: (message: string) => logger.debug(`Anthropic SDK: ${message}`),
  };
}
