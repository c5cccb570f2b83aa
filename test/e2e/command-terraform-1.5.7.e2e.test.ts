import { host } from "../helpers/hosts";
import { commandSuite } from "./command-suite";

describe("vsphereguest_command against terraform-1.5.7", () => {
  commandSuite(() => host("terraform-1.5.7"), { writeOnly: false });
});
