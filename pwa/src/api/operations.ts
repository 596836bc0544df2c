// What each API operation takes and answers, by its operation id (the server's `operation_id`),
// read from the generated schema. A function that calls an operation declares its answer as
// `Answer<'getWork'>`, so when the server changes what that operation answers, `tsc` fails
// where the PWA reads it. Types only: nothing here reaches the bundle.
import type { operations } from './schema';

export type OperationId = keyof operations;

type Responses<Op extends OperationId> = operations[Op]['responses'];
type Success = 200 | 201 | 202 | 204;
type JsonOf<R> = R extends { content: { 'application/json': infer Json } } ? Json : undefined;

/** The JSON an operation answers when it succeeds; undefined when it answers without a body. */
export type Answer<Op extends OperationId> = JsonOf<
  Responses<Op>[Extract<keyof Responses<Op>, Success>]
>;

/** The JSON body an operation takes. */
export type Body<Op extends OperationId> =
  NonNullable<operations[Op]['requestBody']> extends {
    content: { 'application/json': infer Json };
  }
    ? Json
    : never;

/** The query parameters an operation takes. */
export type Query<Op extends OperationId> = NonNullable<operations[Op]['parameters']['query']>;
