import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/public.decorator.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { LivenessDto, ReadinessDto } from './dto/health.dto.js';
import { ReadinessService, Readiness } from './readiness.service.js';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @ApiOperation({
    summary: 'Liveness: 200 while the process runs',
  })
  @ApiOkResponse({ type: LivenessDto, description: 'The process is running' })
  healthLive(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: 200 when the store and the model provider are usable, else 503',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'The store and the model provider are usable' })
  @ApiResponse({
    status: 503,
    type: ErrorResponseDto,
    description: 'Not ready: the message names each check that is down',
    example: {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Not ready: store: redis unreachable',
      request_id: '6f1c2f8e-3d4b-4d8e-9a51-1f0c7e2b9a10',
    },
  })
  async healthReady(): Promise<Readiness> {
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
