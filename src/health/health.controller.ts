import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ReadinessService, Readiness } from './readiness.service.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @ApiOkResponse({ description: 'The process is running' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ description: 'The store and the model provider are usable' })
  @ApiServiceUnavailableResponse({ description: 'The message names what is not usable' })
  async ready(): Promise<Readiness> {
    const readiness = await this.readiness.check();
    if (readiness.status !== 'ok') {
      const failing = Object.entries(readiness.checks)
        .filter(([, check]) => check.status === 'down')
        .map(([name, check]) => `${name}: ${check.detail}`);
      throw new ServiceUnavailableException(`Not ready: ${failing.join('; ')}`);
    }
    return readiness;
  }
}
