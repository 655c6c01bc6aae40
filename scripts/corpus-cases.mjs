// The cases of a CI corpus check: the files of `dir` ending in `extension`, sorted. A check that finds nothing
// to check fails, so that CI cannot go green having checked nothing: the folder missing, not a folder, or
// holding no case each end the run with a message saying so (exit code 2).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function corpusCases(check, dir, extension) {
  const stop = (why) => {
    console.error(`${check}: ${why}; the check needs the corpus (../shared/corpus beside the repository, or a folder given as its argument)`);
    process.exit(2);
  };
  if (!existsSync(dir)) stop(`no corpus at ${dir}`);
  if (!statSync(dir).isDirectory()) stop(`${dir} is not a folder`);
  const cases = readdirSync(dir).filter((name) => name.endsWith(extension)).sort();
  if (cases.length === 0) stop(`no ${extension} file in ${dir}, nothing to check`);
  return cases.map((name) => ({ name, path: join(dir, name) }));
}
