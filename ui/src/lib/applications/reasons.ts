/**
 * The portal's reasons as the person reads them. An outbox item that needs a fix carries
 * problems with stable codes, and one the portal refused for good carries the portal's error
 * code (or `http_<status>` when the portal gave none); both are worded here in the UI's
 * language, and the raw code is left for "Details".
 */
import type { FieldProblemView } from '$lib/backend';
import type { Messages } from '$lib/i18n/locale.svelte';

/** The portal's error codes a refused submission can carry, as the core records them. */
export const FAILURE_CODES = [
  'invalid_token',
  'insufficient_scope',
  'invalid_request',
  'not_found',
  'conflict',
  'forbidden',
  'document_too_large',
  'unsupported_document',
  'checksum_mismatch',
  'validation_failed',
  'idempotency_key_reused',
  'idempotency_key_in_use',
  'internal',
] as const;

/** A portal error code the UI has words for. */
export type FailureCode = (typeof FAILURE_CODES)[number];

type Words = Messages['applications'];

function isFailureCode(reason: string): reason is FailureCode {
  return (FAILURE_CODES as readonly string[]).includes(reason);
}

/** Why the portal refused a submission for good, in words; an unknown code still reads. */
export function failureText(reason: string, words: Words): string {
  if (isFailureCode(reason)) return words.failureCodes[reason];

  const http = /^http_(\d{3})$/.exec(reason);
  if (http) return words.failureHttp(Number(http[1]));
  return words.failureUnknown;
}

/** What is wrong with one field, in words, from the problem's code. */
export function problemText(problem: FieldProblemView, words: Words): string {
  return words.problemCodes[problem.code] ?? words.problemCodes.other;
}

/** The raw facts of a problem for "Details": its field and its code. */
export function problemDetail(problem: FieldProblemView, words: Words): string {
  return `${words.problemField} ${problem.field}: ${problem.code}`;
}
