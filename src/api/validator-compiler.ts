import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

/**
 * Validates each request part with TypeBox. Query strings and path parameters arrive as text:
 * they get their schema defaults and are converted to the schema's types first. Bodies are
 * checked as sent (JSON has types; `"60"` is not an interval), and unknown fields are refused,
 * never stripped.
 */
export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = Compile(schema);
  const fromText = httpPart !== 'body';
  return (input: unknown) => {
    const value = fromText
      ? Value.Convert(schema, Value.Default(schema, Value.Clone(input)))
      : input;
    if (validator.Check(value)) return { value };
    return { error: validator.Errors(value) };
  };
};
