import { host } from "../helpers/hosts";
import { providerSuite } from "./provider-suite";

describe("single executable against terraform-1.5.7 (no node on the PATH)", () => {
  providerSuite(() => host("terraform-1.5.7"), "executable");
});
