// What Answer and Body make of the generated operations; tsc checks these (`npm run typecheck`).
import { expectTypeOf, it } from 'vitest';
import type { Me } from './identity';
import type { Answer, Body, Query } from './operations';
import type { Problem, ProcedurePage } from './types';
import type { ActionRequest, ActionResult, WorkDetail, WorkItem } from './work';

it('gives an operation its success answer, not its problems', () => {
  expectTypeOf<Answer<'listWork'>>().toEqualTypeOf<WorkItem[]>();
  expectTypeOf<Answer<'getWork'>>().toEqualTypeOf<WorkDetail>();
  expectTypeOf<Answer<'actOnDossier'>>().toEqualTypeOf<ActionResult>();
  expectTypeOf<Answer<'finishSignIn'>>().toEqualTypeOf<Me>();
  expectTypeOf<Answer<'listProcedures'>>().toEqualTypeOf<ProcedurePage>();
  expectTypeOf<Answer<'getWork'>>().not.toEqualTypeOf<Problem>();
});

it('answers undefined for an answer without a body', () => {
  expectTypeOf<Answer<'signOut'>>().toEqualTypeOf<undefined>(); // 204
  expectTypeOf<Answer<'removePasskey'>>().toEqualTypeOf<undefined>();
});

it('gives an operation its JSON body and its query', () => {
  expectTypeOf<Body<'actOnDossier'>>().toEqualTypeOf<ActionRequest>();
  expectTypeOf<Body<'attachResult'>>().toEqualTypeOf<never>(); // multipart, not JSON
  expectTypeOf<Query<'listLateWork'>>().toEqualTypeOf<{ withinHours?: number }>();
});
