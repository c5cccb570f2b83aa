import { host } from "../helpers/hosts";
import { commandSuite } from "./command-suite";

describe("vsphereguest_command against tofu-1.12.6", () => {
  commandSuite(() => host("tofu-1.12.6"), { writeOnly: true });
});
