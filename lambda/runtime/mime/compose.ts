/**
 * `compose`: several transforms as one. The engine applies a single transform; this is how several become
 * one, and the only transform code the engine imports.
 */
import type { MessageDecision, MimeTransform, PartDecision, TransformRun } from './types';

/**
 * One transform made of several, applied in order: header changes one after the other; for the message, the
 * first wrap asked for; for a part, a removal wins over a size-held removal, which wins over body edits
 * (chained), which win over leaving a signed part as it is.
 */
export function compose(...transforms: MimeTransform[]): MimeTransform {
  return {
    description: `compose(${transforms.map((t) => t.description).join(', ')})`,
    start(): TransformRun {
      const runs = transforms.map((t) => t.start());
      return {
        headers(part, headers): void {
          for (const run of runs) run.headers?.(part, headers);
        },
        message(part): MessageDecision | undefined {
          for (const run of runs) {
            const d = run.message?.(part);
            if (d) return d;
          }
          return undefined;
        },
        part(part): PartDecision | undefined {
          const decisions: PartDecision[] = [];
          for (const run of runs) {
            const d = run.part?.(part);
            if (d) decisions.push(d);
          }
          return combine(decisions);
        },
      };
    },
  };
}

function combine(decisions: PartDecision[]): PartDecision | undefined {
  if (decisions.length <= 1) return decisions[0];
  const strip = decisions.find((d) => d.kind === 'strip');
  if (strip) return strip;
  const holds = decisions.filter((d): d is Extract<PartDecision, { kind: 'stripIfLarger' }> => d.kind === 'stripIfLarger');
  if (holds.length) return holds.reduce((a, b) => (b.maxBytes < a.maxBytes ? b : a));
  const edits = decisions.filter((d): d is Extract<PartDecision, { kind: 'edit' }> => d.kind === 'edit').map((d) => d.edit);
  if (edits.length) return { kind: 'edit', edit: (text, part) => edits.reduce((t, e) => e(t, part), text) };
  const leaves = decisions.filter((d): d is Extract<PartDecision, { kind: 'leave' }> => d.kind === 'leave');
  // Reported when any of them would have acted: the smallest size limit, none when one has no limit.
  const limits = leaves.map((d) => d.maxBytes);
  return { kind: 'leave', reason: leaves.map((d) => d.reason).join('; '), ...(limits.includes(undefined) ? {} : { maxBytes: Math.min(...(limits as number[])) }) };
}
