import { host } from "../helpers/hosts";
import { providerSuite } from "./provider-suite";

describe("provider against terraform-1.5.7", () => {
  providerSuite(() => host("terraform-1.5.7"));
});
