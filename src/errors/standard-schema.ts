/**
 * The Standard Schema v1 interface (https://standardschema.dev), written out
 * so that `schema` accepts zod, valibot, arktype and any other conforming
 * validator without this package depending on one of them (or on
 * `@standard-schema/spec`) at runtime. Only what the client reads is named:
 * `validate` and the inferred output type.
 */

/** One problem a validator found in a value. */
export interface StandardSchemaIssue {
  /** The validator's message. */
  readonly message: string;
  /** Where in the value: keys, or segments carrying a `key`. */
  readonly path?: readonly (PropertyKey | StandardSchemaPathSegment)[] | undefined;
}

/** A path segment as some validators report it. */
export interface StandardSchemaPathSegment {
  /** The key of this segment. */
  readonly key: PropertyKey;
}

/** What `~standard.validate` returns: the output value, or the issues. */
export type StandardSchemaResult<Output> =
  | {
      /** The validated (and possibly transformed) value. */
      readonly value: Output;
      /** Absent (or falsy) on success. */
      readonly issues?: undefined;
    }
  | {
      /** What the validator found wrong. */
      readonly issues: readonly StandardSchemaIssue[];
    };

/** The `~standard` member of a Standard Schema v1 validator. */
export interface StandardSchemaProps<Input = unknown, Output = Input> {
  /** Always 1. */
  readonly version: 1;
  /** The library that made the schema, e.g. `zod`. */
  readonly vendor: string;
  /** Validates a value, synchronously or not. */
  readonly validate: (
    value: unknown,
    options?: { readonly libraryOptions?: Record<string, unknown> | undefined },
  ) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
  /** Carries the input and output types; never present at runtime. */
  readonly types?: StandardSchemaTypes<Input, Output> | undefined;
}

/** The types a schema carries, for inference only. */
export interface StandardSchemaTypes<Input = unknown, Output = Input> {
  /** What the schema accepts. */
  readonly input: Input;
  /** What validation produces. */
  readonly output: Output;
}

/** A Standard Schema v1 validator (zod ≥ 3.24, valibot ≥ 1, arktype ≥ 2, …). */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The standard's properties. */
  readonly '~standard': StandardSchemaProps<Input, Output>;
}

/** The type a schema's validation produces. */
export type InferSchemaOutput<Schema extends StandardSchemaV1> = NonNullable<Schema['~standard']['types']>['output'];

/** An issue as an `UpstreamInvalidResponseError` keeps it: a redacted message and a plain path. */
export interface SchemaIssue {
  /** The validator's message, redacted and at most 200 characters. */
  readonly message: string;
  /** Where in the body, as keys and indexes (`['items', 0, 'id']`); empty for the body itself. */
  readonly path: readonly (string | number)[];
}
