import { ContractViolation } from '@plato/contracts';
import { LineCounter, parseDocument } from 'yaml';

/** Media types the gateway reads as YAML (their bodies arrive as text). */
export const yamlMediaTypes = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * The document a request body holds: JSON arrives parsed by the JSON body parser, YAML arrives as
 * text and is parsed here. Throws a ContractViolation naming the line and column of malformed
 * YAML, or saying that the body is missing.
 */
export function documentOfBody(body: unknown): unknown {
  if (typeof body !== 'string') {
    if (body === undefined || body === null) {
      throw new ContractViolation('request body', [{ path: '', message: 'is missing: send JSON (application/json) or YAML (application/yaml)' }]);
    }
    return body;
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(body, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ContractViolation(
      'request body',
      document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `malformed YAML at line ${at.line}, column ${at.col}: ${error.message}` };
      }),
    );
  }
  return document.toJS();
}
