import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURES = path.join(__dirname, 'fixtures', 'events');

/** The event files made from the seed's example event (test/runtime/fixtures/events). */
export function fixtureNames(): string[] {
  return fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
}

export function fixture(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** A raw event (what WorkMail sends) built from the seed's example, with fields replaced by `over`. */
export function rawEvent(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(fixture('seed-inbound-2018-10-10.json') as Record<string, unknown>), ...over };
}

export function recipients(...addresses: string[]): { address: string }[] {
  return addresses.map((address) => ({ address }));
}
