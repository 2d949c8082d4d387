import { Injectable } from '@nestjs/common';
import { LLMService } from '../llm/llm.service.js';
import { RedisService } from '../redis/redis.service.js';

export interface Check {
  status: 'up' | 'down';
  detail: string;
}

export interface Readiness {
  status: 'ok' | 'error';
  checks: { store: Check; model: Check };
}

@Injectable()
export class ReadinessService {
  constructor(
    private readonly store: RedisService,
    private readonly llm: LLMService,
  ) {}

  async check(): Promise<Readiness> {
    const store = await this.checkStore();
    const model = this.checkModel();
    return {
      status: store.status === 'up' && model.status === 'up' ? 'ok' : 'error',
      checks: { store, model },
    };
  }

  private async checkStore(): Promise<Check> {
    try {
      await this.store.ping();
      return { status: 'up', detail: this.store.kind };
    } catch {
      return { status: 'down', detail: `${this.store.kind} unreachable` };
    }
  }

  private checkModel(): Check {
    const provider = this.llm.providerStatus();
    return { status: provider.usable ? 'up' : 'down', detail: provider.detail };
  }
}
