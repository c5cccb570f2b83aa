import { host } from "../helpers/hosts";
import { providerSuite } from "./provider-suite";

describe("provider against tofu-1.6.3", () => {
  providerSuite(() => host("tofu-1.6.3"));
});
