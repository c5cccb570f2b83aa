import { host } from "../helpers/hosts";
import { providerSuite } from "./provider-suite";

describe("single executable against tofu-1.12.6 (no node on the PATH)", () => {
  providerSuite(() => host("tofu-1.12.6"), "executable");
});
