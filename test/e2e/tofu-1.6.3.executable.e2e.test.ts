import { host } from "../helpers/hosts";
import { providerSuite } from "./provider-suite";

describe("single executable against tofu-1.6.3 (no node on the PATH)", () => {
  providerSuite(() => host("tofu-1.6.3"), "executable");
});
