import { host } from "../helpers/hosts";
import { commandSuite } from "./command-suite";

describe("vsphereguest_command against tofu-1.6.3", () => {
  commandSuite(() => host("tofu-1.6.3"), { writeOnly: false });
});
