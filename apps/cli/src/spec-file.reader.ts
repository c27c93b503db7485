import { readFile } from 'node:fs/promises';
import { ContractViolation, DeploymentSpec, parseOrThrow } from '@plato/contracts';
import { parseAllDocuments } from 'yaml';

/**
 * Reads the documents of a spec file: YAML (one or more documents separated by `---`) or JSON
 * (JSON is YAML). `-` reads stdin. A syntax error throws a ContractViolation naming the file and
 * line; a document that is a list contributes each of its items.
 */
export async function readSpecFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<unknown[]> {
  const text = path === '-' ? await readAll(stdin) : await readFileOrThrow(path);
  return parseSpecText(text, path === '-' ? 'stdin' : path);
}

/**
 * Reads the deployment specs of a file (see {@link readSpecFile}), each checked by the contract
 * before any is used; a bad one throws a ContractViolation naming the file (and the document
 * when there are several) and each field. `plato apply` and `plato plan` read files this way.
 */
export async function readDeploymentSpecs(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<DeploymentSpec[]> {
  const documents = await readSpecFile(path, stdin);
  return documents.map((document, i) => parseOrThrow(DeploymentSpec, document, documents.length > 1 ? `${path} (document ${i + 1})` : path));
}

/** Parses spec text (see {@link readSpecFile}); `source` names it in errors. */
export function parseSpecText(text: string, source: string): unknown[] {
  const documents = parseAllDocuments(text);
  const list = Array.isArray(documents) ? documents : [documents];
  const issues = list.flatMap((document) =>
    document.errors.map((error) => ({ path: error.linePos ? `line ${error.linePos[0].line}` : '', message: error.message.split('\n')[0] ?? error.message })),
  );
  if (issues.length > 0) throw new ContractViolation(source, issues);
  const values = list.map((document) => document.toJS() as unknown).filter((value) => value !== null && value !== undefined);
  if (values.length === 0) throw new ContractViolation(source, [{ path: '', message: 'holds no spec' }]);
  return values.flatMap((value) => (Array.isArray(value) ? value : [value]));
}

async function readFileOrThrow(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ContractViolation(path, [{ path: '', message: `cannot read: ${reason}` }]);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
