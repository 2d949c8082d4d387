import Anthropic from '@anthropic-ai/sdk';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { StoredMessage } from '../conversations/conversation.types.js';
import { AppConfig, LlmConfig } from '../config/app-config.js';
import { toModelMessages } from './history-window.js';
import { ModelCredentialsError, ModelUnreachableError, toModelError } from './llm-errors.js';
import { fromMessage, toMessageParams, toToolParams } from './messages-api.js';
import { ModelMessage, ModelReply, ModelTool, ModelToolChoice } from './model.types.js';
import { startOfflineModelServer } from './offline/offline-model-server.js';
import type { LocalServer } from './offline/messages-wire.js';

const ANTHROPIC_API_URL = 'https://api.anthropic.com';
const SDK_RETRIES = 2;
/** How long readiness reports the provider down after a call found it unreachable or refusing us. */
const FAILURE_MEMORY_MS = 30_000;

export interface ModelCall {
  model: string;
  system?: string;
  messages: ModelMessage[];
  maxTokens: number;
  tools?: ModelTool[];
  toolChoice?: ModelToolChoice;
  /** A deadline shorter than LLM_TIMEOUT_MS (for example the router's escalation). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Streams the answer: called with each piece of text as the model writes it. The stream waits for
   * the returned promise, so a slow reader slows the model's stream instead of filling memory.
   */
  onText?: (text: string) => Promise<void>;
}

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
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.offlineServer?.close();
  }

  /** History (already cut to the message window) plus the new message, trimmed to HISTORY_MAX_TOKENS. */
  toMessages(history: StoredMessage[], message: string): ModelMessage[] {
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
      tools: toToolParams(call.tools),
      tool_choice: call.toolChoice,
    };
    const options = { signal, timeout: timeoutMs };
    try {
      const message = call.onText
        ? await this.streamed(params, options, call.onText)
        : await this.client.messages.create(params, options);
      this.lastFailure = undefined;
      return fromMessage(message);
    } catch (error) {
      const mapped = toModelError(error, timeoutMs, deadline.aborted);
      this.remember(mapped);
      throw mapped;
    }
  }

  private async streamed(
    params: Anthropic.MessageCreateParamsNonStreaming,
    options: { signal: AbortSignal; timeout: number },
    onText: (text: string) => Promise<void>,
  ): Promise<Anthropic.Message> {
    const stream = this.client.messages.stream(params, options);
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        await onText(event.delta.text);
      }
    }
    return stream.finalMessage();
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

  private remember(error: Error): void {
    if (error instanceof ModelCredentialsError || error instanceof ModelUnreachableError) {
      this.lastFailure = { error, at: Date.now() };
    }
    this.logger.warn(`Model call failed: ${error.message}`);
  }
}
