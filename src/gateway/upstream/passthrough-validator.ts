// The gateway relays results, it does not judge them: validating schemas is the endpoints' job, and
// the SDK's default (a new Ajv per Server and Client) would cost milliseconds per session.
import type { JsonSchemaValidator, JsonSchemaValidatorResult, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

function accept<T>(input: unknown): JsonSchemaValidatorResult<T> {
  return { valid: true, data: input as T, errorMessage: undefined };
}

export const passthroughValidator: jsonSchemaValidator = {
  getValidator: <T>(): JsonSchemaValidator<T> => accept<T>,
};
