import { host } from "../helpers/hosts";
import { providerSuite } from "./provider-suite";

describe("provider against tofu-1.12.6", () => {
  providerSuite(() => host("tofu-1.12.6"));
});
