import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Logger } from '@plato/messaging';
import type { Response } from 'express';
import { toHttpError } from './http-error.mapper.js';

/**
 * The gateway's one exception filter: every error a route throws becomes Plato's error body
 * `{code, message, details}` with the status {@link toHttpError} gives it. Faults (500) are logged
 * with their cause; expected refusals (4xx, 503) at debug level.
 */
@Catch()
export class PlatoErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toHttpError(exception);
    if (status >= 500 && status !== 503) this.logger.error({ err: exception, status }, 'request failed');
    else this.logger.debug({ code: body.code, status, message: body.message }, 'request refused');
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }
}
