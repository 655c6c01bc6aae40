/**
 * How the checks of every floor show a value they were given in an error message. Plain TypeScript with no
 * dependency, like the rest of `lambda/rules`, so that the constructs, the provider and the runtime share it.
 */

/**
 * A value as an error message shows it: its JSON form (a string in quotes, so that blanks and empty
 * strings can be seen), or `String(value)` where JSON has none (undefined, a function, a cycle, a BigInt).
 * With `maxLength`, a longer text is cut and ends with `...` (for values an attacker may have made large).
 */
export function show(value: unknown, maxLength?: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return maxLength !== undefined && text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 3))}...` : text;
}
