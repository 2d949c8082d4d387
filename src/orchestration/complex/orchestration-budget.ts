import { Usage } from '../../llm/llm.service.js';

export type BudgetName = 'steps' | 'tool_calls' | 'time' | 'tokens';

export interface BudgetLimits {
  maxToolCalls: number;
  maxTokens: number;
  timeoutMs: number;
}

/**
 * The shared budgets of one complex turn. Tool calls and tokens are counted as steps finish; the
 * wall clock aborts whatever is still running. The first budget to run out is remembered.
 */
export class OrchestrationBudget {
  readonly signal: AbortSignal;
  private toolCalls = 0;
  private tokens = 0;
  private firstExhausted?: BudgetName;
  private readonly deadline: AbortSignal;

  constructor(
    private readonly limits: BudgetLimits,
    parent?: AbortSignal,
  ) {
    this.deadline = AbortSignal.timeout(limits.timeoutMs);
    this.signal = parent ? AbortSignal.any([this.deadline, parent]) : this.deadline;
  }

  get exhausted(): BudgetName | undefined {
    if (!this.firstExhausted && this.deadline.aborted) this.firstExhausted = 'time';
    return this.firstExhausted;
  }

  get remainingToolCalls(): number {
    return Math.max(this.limits.maxToolCalls - this.toolCalls, 0);
  }

  markExhausted(name: BudgetName): void {
    this.firstExhausted ??= name;
  }

  spend(usage: Usage, toolCalls: number): void {
    this.toolCalls += toolCalls;
    this.tokens += usage.input_tokens + usage.output_tokens;
    if (this.toolCalls >= this.limits.maxToolCalls) this.markExhausted('tool_calls');
    if (this.tokens >= this.limits.maxTokens) this.markExhausted('tokens');
  }
}
