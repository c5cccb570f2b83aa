/**
 * Command-line handling shared by the benchmark and profiling scripts: `--help` prints the usage,
 * and a bad option or value ends the script with one line naming it and the fix (exit status 2),
 * never a stack trace. A failure while running ends it with the error's message (exit status 1).
 */
const { parseArgs } = require("node:util");

/**
 * Prints `script: message` (and where to look for the usage) on stderr and exits with status 2.
 * @param {string} script the script's name, e.g. "bench-compare"
 * @param {string} message what is wrong and how to fix it
 * @returns {never}
 */
function usageError(script, message) {
  console.error(`${script}: ${message} (see node scripts/${script}.js --help)`);
  process.exit(2);
}

/**
 * Parses the command line. `--help`/`-h` prints `usage` and exits 0; an unknown option, a missing
 * value or a stray argument is a {@link usageError}.
 * @param {string} script the script's name, for messages
 * @param {string} usage the text `--help` prints (first line: the synopsis)
 * @param {import("node:util").ParseArgsConfig["options"]} options the options besides --help
 * @param {{ positionals?: number }} [limits] how many positional arguments are allowed (default 0)
 * @returns {{ values: Record<string, string | boolean | undefined>, positionals: string[] }}
 */
function parseOptions(script, usage, options, limits = {}) {
  const allowed = limits.positionals ?? 0;
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { ...options, help: { type: "boolean", short: "h", default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    usageError(script, describeParseError(error));
  }
  if (parsed.values.help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  if (parsed.positionals.length > allowed) {
    const extra = parsed.positionals.slice(allowed).join(" ");
    usageError(
      script,
      allowed === 0
        ? `unexpected argument "${extra}": this script takes options only`
        : `unexpected "${extra}"`,
    );
  }
  return parsed;
}

/** One line for Node's parseArgs errors (their messages are long and mention `--` quoting). */
function describeParseError(error) {
  const message = String(error?.message ?? error);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  switch (error?.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ?? message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/.test(message)) return `${option ?? "an option"} needs a value`;
      if (/ambiguous/.test(message))
        return `${option ?? "an option"} needs a value (for one that starts with "-", write ${option ?? "--option"}=VALUE)`;
      return `${option ?? "an option"} takes no value`;
    default:
      return message.split("\n")[0];
  }
}

/**
 * A whole number from an option's text, at least `min`, or a {@link usageError}.
 * @param {string} script
 * @param {string} flag e.g. "--pairs"
 * @param {string} text the option's value as given
 * @param {number} [min]
 * @returns {number}
 */
function wholeNumber(script, flag, text, min = 0) {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(String(text)) || !Number.isSafeInteger(value) || value < min)
    usageError(script, `${flag} ${JSON.stringify(text)}: give a whole number ≥ ${min}`);
  return value;
}

/**
 * A comma-separated list, each item one of `choices`, or a {@link usageError}.
 * @param {string} script
 * @param {string} flag
 * @param {string} text
 * @param {readonly string[]} choices
 * @returns {string[]}
 */
function choiceList(script, flag, text, choices) {
  const items = String(text)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) usageError(script, `${flag} is empty: give one or more of ${choices.join(", ")}`);
  for (const item of items) {
    if (!choices.includes(item))
      usageError(
        script,
        `${flag}: unknown ${JSON.stringify(item)}; give one or more of ${choices.join(", ")}`,
      );
  }
  return items;
}

/**
 * One of `choices`, or a {@link usageError}.
 * @param {string} script
 * @param {string} flag
 * @param {string} text
 * @param {readonly string[]} choices
 * @returns {string}
 */
function choice(script, flag, text, choices) {
  if (!choices.includes(text))
    usageError(script, `${flag} ${JSON.stringify(text)}: give one of ${choices.join(", ")}`);
  return text;
}

/**
 * Runs the script's async `main`; a failure prints `script: message` (no stack) and exits 1.
 * @param {string} script
 * @param {() => Promise<void> | void} main
 */
function runMain(script, main) {
  Promise.resolve()
    .then(main)
    .catch((error) => {
      console.error(`${script}: ${error?.message ?? error}`);
      process.exit(1);
    });
}

module.exports = { parseOptions, usageError, wholeNumber, choice, choiceList, runMain };
