/**
 * The handler toolkit (`cdk-workmail-lambda/runtime`), as the package ships it: one CommonJS file,
 * `dist/runtime/index.js` (its per-file outputs do not ship), typed from its sources. Loaded on first use.
 */
import type * as Runtime from '../../lambda/runtime';

let loaded: typeof Runtime | undefined;

/** The runtime's exports. */
export function runtime(): typeof Runtime {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('../../dist/runtime/index.js') as typeof Runtime);
}
