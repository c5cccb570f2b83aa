/**
 * Provider logging: JSON lines on stderr in the shape go-plugin understands.
 *
 * The host (go-plugin inside tofu/terraform) reads every stderr line of the provider process; a
 * line that parses as JSON with `@level`, `@message` and `@timestamp` becomes a log entry of the
 * host at that level, with the remaining keys as fields (shown with `TF_LOG=debug` and friends).
 * Stdout belongs to the handshake and is never written here.
 *
 * Every message and field passes through a redactor: strings registered with
 * {@link Logger.addSecret} are replaced by `***` wherever they appear. Byte arrays are never
 * printed, only their length, so request bodies (which carry the provider configuration and its
 * credentials) cannot leak through a careless field.
 */

/** Log levels, lowest first; the names are the ones hclog accepts in `@level`. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Extra key/value pairs of one log entry; values are serialised as JSON after redaction. */
export type LogFields = Record<string, unknown>;

/** A logger writing go-plugin JSON lines. */
export interface Logger {
  /** The `@module` of this logger's entries, e.g. `provider.NAME`. */
  readonly module: string;
  /** The lowest level that is written. */
  readonly level: LogLevel | "off";
  /** Whether entries at `level` are written; use it to skip building expensive fields. */
  enabled(level: LogLevel): boolean;
  /** Logs at trace level. */
  trace(message: string, fields?: LogFields): void;
  /** Logs at debug level. */
  debug(message: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(message: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(message: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(message: string, fields?: LogFields): void;
  /**
   * Registers a secret (a password, a token): from now on every occurrence of it in any message or
   * field of this logger and of all loggers derived from it is written as `***`. Empty strings
   * are ignored.
   */
  addSecret(value: string): void;
  /** A logger sharing the output, level and secrets, whose `@module` is `<module>.<name>`. */
  child(name: string): Logger;
  /** Replaces every registered secret in `text` by `***`. */
  redact(text: string): string;
}

/** How to build a {@link Logger}; everything is optional. */
export interface LoggerOptions {
  /**
   * `@module` of the entries: `provider.NAME` for a provider (hosts show it as the source).
   * @default "provider"
   */
  module?: string;
  /**
   * Lowest level written.
   * @default the level named by `TF_LOG_PROVIDER_NAME` (for `module` `provider.NAME`),
   *   `TF_LOG_PROVIDER` or `TF_LOG` (first one set), else `info`; read at the first entry (or
   *   `level`/`enabled` call) of the logger or any of its children, not when it is made
   */
  level?: LogLevel | "off";
  /** Where finished lines (with their newline) go. @default synchronous write to stderr */
  write?: (line: string) => void;
  /** Environment used to find the level. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Clock for `@timestamp`. @default Date.now */
  now?: () => number;
}

const RANK: Record<LogLevel | "off", number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, off: 5 };

/** The module name entries carry unless told otherwise. */
export const DEFAULT_LOG_MODULE = "provider";

const REDACTED = "***";
const MAX_DEPTH = 6;

/**
 * Maps a `TF_LOG`-style value to a level: TRACE, DEBUG, INFO, WARN, ERROR (any case), `JSON`
 * (which the host treats as trace), `OFF`. Unknown or empty values give `undefined`.
 */
export function parseLogLevel(value: string | undefined): LogLevel | "off" | undefined {
  switch ((value ?? "").trim().toLowerCase()) {
    case "trace":
    case "json":
      return "trace";
    case "debug":
      return "debug";
    case "info":
      return "info";
    case "warn":
    case "warning":
      return "warn";
    case "error":
      return "error";
    case "off":
      return "off";
    default:
      return undefined;
  }
}

/**
 * The level the environment asks for: `TF_LOG_PROVIDER_<NAME>` (the provider's own, `NAME` being
 * `providerName` in capitals), `TF_LOG_PROVIDER`, `TF_LOG`, else info.
 */
export function levelFromEnv(env: NodeJS.ProcessEnv, providerName?: string): LogLevel | "off" {
  const own = providerName ? [`TF_LOG_PROVIDER_${providerName.toUpperCase()}`] : [];
  for (const name of [...own, "TF_LOG_PROVIDER", "TF_LOG"]) {
    const level = parseLogLevel(env[name]);
    if (level) return level;
  }
  return "info";
}

/**
 * go-plugin parses `@timestamp` with Go's layout `2006-01-02T15:04:05.000000Z07:00`, which takes
 * exactly six fractional digits; a line whose timestamp does not parse is demoted to a raw debug
 * line. JavaScript clocks have milliseconds, so the microseconds are zero.
 */
function timestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  return iso.slice(0, -1) + "000Z";
}

/** The secrets shared by a root logger and its children; longest first so overlaps redact fully. */
class SecretSet {
  private readonly values: string[] = [];
  /** The same secrets as they appear inside a JSON string (escaped), for the final line check. */
  private readonly escaped: string[] = [];

  add(value: string): void {
    if (typeof value !== "string" || value === "" || this.values.includes(value)) return;
    this.values.push(value);
    this.values.sort((a, b) => b.length - a.length);
    const inJson = JSON.stringify(value).slice(1, -1);
    if (inJson !== value) {
      this.escaped.push(inJson);
      this.escaped.sort((a, b) => b.length - a.length);
    }
  }

  get empty(): boolean {
    return this.values.length === 0;
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.values) out = redactOne(out, secret);
    return out;
  }

  redactJsonLine(line: string): string {
    let out = this.redact(line);
    for (const secret of this.escaped) out = redactOne(out, secret);
    return out;
  }
}

/**
 * Secrets shorter than this are replaced only where they stand alone (not inside a word): a
 * one-letter test password would otherwise turn every message into `Nothing acce***ts …`.
 */
const SHORT_SECRET = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function redactOne(text: string, secret: string): string {
  if (!text.includes(secret)) return text;
  if (secret.length >= SHORT_SECRET) return text.split(secret).join(REDACTED);
  const alone = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(secret)}(?![\\p{L}\\p{N}])`, "gu");
  return text.replace(alone, REDACTED);
}

/** Makes a field value safe to print: secrets redacted, bytes summarised, errors flattened. */
function sanitize(value: unknown, secrets: SecretSet, depth: number): unknown {
  if (typeof value === "string") return secrets.empty ? value : secrets.redact(value);
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "function" || typeof value === "symbol") return String(value);
    return value;
  }
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (value instanceof Error) {
    const out: Record<string, unknown> = {
      name: value.name,
      message: sanitize(value.message, secrets, depth),
    };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = sanitize(code, secrets, depth + 1);
    return out;
  }
  if (depth >= MAX_DEPTH) return "<nested too deep>";
  if (Array.isArray(value)) return value.map((item) => sanitize(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = sanitize(item, secrets, depth + 1);
  return out;
}

function writeStderr(line: string): void {
  process.stderr.write(line);
}

/**
 * The level of a root logger and its children, found at first use: a logger made while a module
 * loads must not read the environment then (the single executable's startup snapshot runs module
 * initialisation at build time, with the build machine's environment).
 */
class LevelCell {
  private resolved: LogLevel | "off" | undefined;
  constructor(private readonly resolve: () => LogLevel | "off") {}
  get(): LogLevel | "off" {
    this.resolved ??= this.resolve();
    return this.resolved;
  }
}

class JsonLogger implements Logger {
  constructor(
    readonly module: string,
    private readonly levelCell: LevelCell,
    private readonly write: (line: string) => void,
    private readonly now: () => number,
    private readonly secrets: SecretSet,
  ) {}

  get level(): LogLevel | "off" {
    return this.levelCell.get();
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  trace(message: string, fields?: LogFields): void {
    this.log("trace", message, fields);
  }

  debug(message: string, fields?: LogFields): void {
    this.log("debug", message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.log("info", message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.log("warn", message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.log("error", message, fields);
  }

  addSecret(value: string): void {
    this.secrets.add(value);
  }

  redact(text: string): string {
    return this.secrets.redact(text);
  }

  child(name: string): Logger {
    return new JsonLogger(`${this.module}.${name}`, this.levelCell, this.write, this.now, this.secrets);
  }

  private log(level: LogLevel, message: string, fields?: LogFields): void {
    if (RANK[level] < RANK[this.level]) return;
    const entry: Record<string, unknown> = {
      "@level": level,
      "@message": this.secrets.redact(String(message)),
      "@module": this.module,
      "@timestamp": timestamp(this.now()),
    };
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        if (key.startsWith("@")) continue; // reserved for the entry itself
        entry[key] = sanitize(value, this.secrets, 0);
      }
    }
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      // Sanitised fields are plain data, so only a throwing toJSON() can land here.
      const { "@level": l, "@message": m, "@module": mod, "@timestamp": t } = entry;
      line = JSON.stringify({
        "@level": l,
        "@message": m,
        "@module": mod,
        "@timestamp": t,
        fields: "<unserialisable>",
      });
    }
    // A last pass over the finished line catches secrets that only appear once JSON-escaped.
    this.write(`${this.secrets.empty ? line : this.secrets.redactJsonLine(line)}\n`);
  }
}

/** Creates a root logger with its own set of secrets. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const module = options.module ?? DEFAULT_LOG_MODULE;
  const providerName = /^provider\.([a-z0-9_]+)$/.exec(module)?.[1];
  const { level, env } = options;
  return new JsonLogger(
    module,
    new LevelCell(() => level ?? levelFromEnv(env ?? process.env, providerName)),
    options.write ?? writeStderr,
    options.now ?? Date.now,
    new SecretSet(),
  );
}
