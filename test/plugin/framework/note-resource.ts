/**
 * A tiny test-only resource, `test_note`, written the way a resource author writes one: a schema
 * and create/read/delete (plus upgrade and import) hooks, nothing of the protocol. Notes live in a
 * {@link NoteStore}: a Map in-process, or a JSON file when every host command starts its own
 * provider process.
 */
import * as fs from "node:fs";
import { defineResource, errorDiag } from "../../../src/plugin";

/** Schema of `test_note`. */
export const NOTE_SCHEMA = {
  description: "A note kept by the test provider.",
  attributes: {
    text: { type: "string", required: true, description: "What the note says." },
    label: { type: "string", optional: true, description: "A label." },
    id: { type: "string", computed: true, description: "The note's id." },
    length: { type: "number", computed: true, description: "How many characters the text has." },
  },
} as const;

/** One stored note. */
export interface Note {
  text: string;
  label: string | null;
}

/** Where notes are kept. */
export interface NoteStore {
  get(id: string): Note | undefined;
  set(id: string, note: Note): void;
  delete(id: string): void;
  /** The next free id. */
  nextId(prefix: string): string;
}

/** A store in a Map. */
export function memoryStore(notes: Map<string, Note>): NoteStore {
  let counter = 0;
  return {
    get: (id) => notes.get(id),
    set: (id, note) => void notes.set(id, note),
    delete: (id) => void notes.delete(id),
    nextId: (prefix) => `${prefix}${++counter}`,
  };
}

/** A store in a JSON file `{ "counter": N, "notes": { id: note } }`, read and written on every call. */
export function fileStore(file: string): NoteStore {
  type Data = { counter: number; notes: Record<string, Note> };
  const load = (): Data =>
    fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Data) : { counter: 0, notes: {} };
  const save = (data: Data): void => fs.writeFileSync(file, JSON.stringify(data));
  return {
    get: (id) => load().notes[id],
    set(id, note) {
      const data = load();
      data.notes[id] = note;
      save(data);
    },
    delete(id) {
      const data = load();
      delete data.notes[id];
      save(data);
    },
    nextId(prefix) {
      const data = load();
      data.counter++;
      save(data);
      return `${prefix}${data.counter}`;
    },
  };
}

/** What the provider's configure hands to the resource. */
export interface NoteContext {
  store: NoteStore;
  prefix: string;
}

/** The resource. */
export const noteResource = defineResource({
  typeName: "test_note",
  schema: NOTE_SCHEMA,
  version: 1,
  validate: ({ config }) =>
    config.text === ""
      ? [errorDiag("Empty text", "text must not be empty.", [{ attributeName: "text" }])]
      : [],
  async create({ config }, ctx: NoteContext) {
    const id = ctx.store.nextId(ctx.prefix);
    ctx.store.set(id, { text: config.text, label: config.label });
    return { state: { id, length: config.text.length } };
  },
  async read({ state }, ctx: NoteContext) {
    const found = state.id === null ? undefined : ctx.store.get(state.id);
    if (!found) return { state: null };
    return { state: { ...state, text: found.text, label: found.label, length: found.text.length } };
  },
  async delete({ state }, ctx: NoteContext) {
    if (state.id !== null) ctx.store.delete(state.id);
    return {};
  },
  upgrade({ version, state }) {
    // Version 0 called the text `body`.
    if (version !== 0) return { diagnostics: [errorDiag("Unknown version", `version ${version}`)] };
    const body = typeof state.body === "string" ? state.body : "";
    const id = typeof state.id === "string" ? state.id : null;
    return { state: { text: body, label: null, id, length: body.length } };
  },
  async import({ id }, ctx: NoteContext) {
    const found = ctx.store.get(id);
    if (!found) return { diagnostics: [errorDiag("Cannot import", `There is no note ${id}.`)] };
    return { state: { id, text: found.text, label: found.label, length: found.text.length } };
  },
});
