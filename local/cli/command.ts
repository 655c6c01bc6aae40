/**
 * The `cdk-workmail-lambda` command: one small dispatcher over subcommands, each a module loaded only when
 * it runs (so `simulate` does not load what `endpoints` needs). Each parses its arguments with Node's own
 * `util.parseArgs` (through `parsing()`): no CLI framework.
 *
 * Exit codes, the same for every subcommand: 0 done (for `simulate`, whatever the verdict), 1 the subcommand
 * ran and something it checks failed (or an unexpected error), 2 bad arguments or unreadable input, with one
 * line that says what to fix.
 */

/** Where a command writes. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

/** A subcommand of `cdk-workmail-lambda`. */
export interface Command {
  /** One line for the list of commands. */
  readonly summary: string;
  /** The full help text (`cdk-workmail-lambda <name> --help`). */
  readonly usage: string;
  /** Runs with the arguments after the subcommand's name; resolves to the exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** Bad arguments or unreadable input: exit code 2 and one line. */
export class UsageError extends Error {
  public readonly name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The subcommands, by name; each module is required when its command runs. */
const COMMANDS: Record<string, { summary: string; load: () => Command }> = {
  simulate: {
    summary: 'run a message through the email flow rules and functions of a synthesized app, offline',
    load: () => (require('./simulate') as typeof import('./simulate')).simulateCommand,
  },
  endpoints: {
    summary: 'start the local WorkMail, Message Flow and S3 endpoints until interrupted',
    load: () => (require('./endpoints') as typeof import('./endpoints')).endpointsCommand,
  },
  doctor: {
    summary: 'check the service against the wire contract with your credentials (changes nothing; --probe checks the writes)',
    load: () => (require('./doctor') as typeof import('./doctor')).doctorCommand(),
  },
  export: {
    summary: 'write the email flow rules of an organization as code (TypeScript, adoptExisting) or data (JSON)',
    load: () => (require('./export') as typeof import('./export')).exportCommand(),
  },
};

const USAGE = `usage: cdk-workmail-lambda <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`).join('\n')}

Run \`cdk-workmail-lambda <command> --help\` for a command's options.`;

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.err(`cdk-workmail-lambda: unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')} (see --help)`);
    return EXIT.usage;
  }
  const command = entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`cdk-workmail-lambda ${name}: ${error.message} (see cdk-workmail-lambda ${name} --help)`);
      return EXIT.usage;
    }
    io.err(`cdk-workmail-lambda ${name}: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.failed;
  }
}

/**
 * Runs an argument parse (`util.parseArgs` in strict mode) and turns its errors into `UsageError`: one line,
 * naming the option.
 */
export function parsing<R>(parse: () => R): R {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(String((error as Error).message).split('\n')[0]);
  }
}

/** What `check` returns; an error of the class `bad` (a bad argument) that it throws becomes a `UsageError` with its message. */
export function usageOf<R>(check: () => R, bad: abstract new (...args: never[]) => Error): R {
  try {
    return check();
  } catch (error) {
    if (error instanceof bad) throw new UsageError(error.message);
    throw error;
  }
}

/** A whole number option within bounds, or `UsageError`. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}
