import { Usage } from '../../llm/model.types.js';
import { ToolCallBudget } from '../../mcp/mcp-agent.service.js';

export type BudgetName = 'steps' | 'tool_calls' | 'time' | 'tokens';

export interface BudgetLimits {
  maxToolCalls: number;
  maxTokens: number;
  timeoutMs: number;
}

/**
 * The shared budgets of one complex turn. Tool calls are reserved as the agent makes them (so
 * concurrent steps never overshoot); tokens are counted as steps finish; the wall clock aborts
 * whatever is still running. The first budget to run out is remembered.
 */
export class OrchestrationBudget implements ToolCallBudget {
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

  get remaining(): number {
    return Math.max(this.limits.maxToolCalls - this.toolCalls, 0);
  }

  take(wanted: number): number {
    const granted = Math.min(wanted, this.remaining);
    this.toolCalls += granted;
    if (granted < wanted) this.markExhausted('tool_calls');
    return granted;
  }

  markExhausted(name: BudgetName): void {
    // A deadline that passed unnoticed (nobody read `exhausted`) still ran out first.
    this.firstExhausted ??= this.deadline.aborted ? 'time' : name;
  }

  spendTokens(usage: Usage): void {
    this.tokens += usage.input_tokens + usage.output_tokens;
    if (this.tokens >= this.limits.maxTokens) this.markExhausted('tokens');
  }
}
