#!/usr/bin/env node
/** The `cdk-workmail-lambda` command (package.json `bin`); see command.ts. */
import { main } from './command';

main(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }).then((code) => {
  process.exitCode = code;
  // Everything a command started is closed by now; should a handle linger all the same, do not hang the shell.
  setTimeout(() => process.exit(code), 2000).unref();
});
