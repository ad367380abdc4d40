/**
 * Input refusals, bounded in size. A refusal travels as a Temporal failure (message + details) and a
 * payload over Temporal's 2 MB limit fails the workflow task on every retry, so names and messages taken
 * from the input are clipped and the list is capped: the operator still sees which field to fix.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Longest piece of a field path kept (a JSON key can be megabytes long). */
const MAX_SEGMENT = 64;
const MAX_FIELD = 200;
const MAX_MESSAGE = 300;
/** Problems listed; the rest are counted. */
const MAX_PROBLEMS = 20;

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

const fieldPath = (path: PropertyKey[]) => path.map((p) => clip(String(p), MAX_SEGMENT)).join('.');

/** One problem per field (the first is the one to fix); each unknown key on its own. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const at = fieldPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const name = clip(key, MAX_SEGMENT);
        out.push({ field: at ? `${at}.${name}` : name, message: 'is not a known field' });
      }
    } else if (!seen.has(at || 'input')) {
      seen.add(at || 'input');
      // A record key's own reason, not "Invalid key".
      const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      out.push({ field: at || 'input', message: at ? message : 'must be a JSON object' });
    }
  }
  return out;
}

/** One non-retryable failure naming every problem, at most MAX_PROBLEMS of them, each clipped. */
export function refuse(what: string, type: string, list: FieldProblem[]): ApplicationFailure {
  const problems = list
    .slice(0, MAX_PROBLEMS)
    .map((p) => ({ field: clip(p.field, MAX_FIELD), message: clip(p.message, MAX_MESSAGE) }));
  const more = list.length - problems.length;
  const text =
    problems.map((p) => `${p.field}: ${p.message}`).join('; ') +
    (more > 0 ? `; and ${more.toLocaleString('en-US')} more problems` : '');
  return ApplicationFailure.nonRetryable(`invalid ${what}: ${text}`, type, {
    problems,
    ...(more > 0 ? { moreProblems: more } : {}),
  });
}
