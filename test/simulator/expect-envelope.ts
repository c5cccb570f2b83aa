/** Assertions on the vAPI error envelope, shared by the simulator tests. */
import type { RawResponse } from "../helpers/with-simulator";

/** The parsed envelope of an error answer. */
export interface Envelope {
  error_type: string;
  messages: { id: string; default_message: string; args: string[] }[];
  data?: Record<string, unknown>;
}

/** Asserts `response` is the envelope of `errorType` with `status` and returns it. */
export function expectEnvelope(response: RawResponse, status: number, errorType: string): Envelope {
  expect({ status: response.status, text: response.text }).toEqual({ status, text: expect.any(String) });
  expect(response.headers["content-type"]).toBe("application/json");
  const envelope = response.json as Envelope;
  expect(envelope).toEqual({
    error_type: errorType,
    messages: [{ id: expect.any(String), default_message: expect.any(String), args: expect.any(Array) }],
    ...(envelope.data === undefined ? {} : { data: expect.any(Object) }),
  });
  return envelope;
}
