import { Controller, Inject } from '@nestjs/common';
import { ApiRoute } from './api-route.decorator.js';

/** The gateway's OpenAPI document, built once when the module starts. */
export class OpenApiDocument {
  constructor(readonly document: Record<string, unknown>) {}
}

/** Serves `/openapi.json`. */
@Controller()
export class OpenApiController {
  constructor(@Inject(OpenApiDocument) private readonly openApi: OpenApiDocument) {}

  @ApiRoute('GET', 'openapi.json', {
    operationId: 'openApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tag: 'operations',
    response: { component: 'OpenApiDocument', description: 'The OpenAPI document of every route, generated from the zod contracts.' },
  })
  document() {
    return this.openApi.document;
  }
}
