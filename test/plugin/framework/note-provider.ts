/**
 * A test-only provider executable serving {@link noteResource}, for real hosts: notes are kept in
 * the JSON file named by `TEST_NOTES_FILE`, since every host command starts its own provider
 * process. Run through ts-node by the launcher the e2e test installs.
 */
import { createLogger, createProviderServer, serve } from "../../../src/plugin";
import { fileStore, type NoteContext, noteResource } from "./note-resource";

const PROVIDER_SCHEMA = {
  attributes: { prefix: { type: "string", optional: true, description: "Prefix of note ids." } },
} as const;

const file = process.env.TEST_NOTES_FILE;
const log = createLogger({ module: "provider.note" });
serve(
  createProviderServer<typeof PROVIDER_SCHEMA, NoteContext>({
    name: "note",
    schema: PROVIDER_SCHEMA,
    dataSources: [],
    resources: [noteResource],
    log,
    configure: async ({ config }) =>
      file
        ? { context: { store: fileStore(file), prefix: config.prefix ?? "note-" }, diagnostics: [] }
        : { diagnostics: [{ severity: "error", summary: "TEST_NOTES_FILE is not set" }] },
  }),
  { name: "terraform-provider-note", logger: log },
).catch((err: unknown) => {
  process.stderr.write(`terraform-provider-note: ${String(err)}\n`);
  process.exit(1);
});
