/** Options several commands share. */
import { InvalidArgumentError, Option } from 'commander';

/** `--profile`: which built-in profile to use for a system named by URL. */
export function profileOption(): Option {
  return new Option('--profile <name>', 'profile for a system named by URL (what its tables mean)').choices(['generic', 'suitecrm', 'salesforce']);
}

/** Parses a whole, non-negative number option, with a clear message. */
export function wholeNumber(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value.replace(/_/g, ''));
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < 0) {
      throw new InvalidArgumentError(`${name} must be a whole number of 0 or more, got "${value}".`);
    }
    return n;
  };
}
