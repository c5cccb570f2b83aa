# Gate a release on a migration that runs inside a vSphere guest.
#
# The migration was started in the guest beforehand (for example with
# `vsphere-guest process start`), which printed its pid. This configuration
# waits for that process at plan time and refuses to plan the release unless
# the migration exited with 0.

terraform {
  required_version = ">= 1.4"

  required_providers {
    vsphereguest = {
      source  = "vsphere-guest/vsphereguest"
      version = "~> 0.1"
    }
  }
}

# Connection settings and guest credentials come from the VSPHERE_*
# environment variables (see README.md), so no secret is written here and
# none ends up in the state.
provider "vsphereguest" {}

data "vsphereguest_process" "migration" {
  vm            = var.vm
  pid           = var.pid
  wait_for_exit = true
  timeout       = var.timeout

  lifecycle {
    postcondition {
      # `==` is null-safe: while the process runs, exit_code is null and the
      # comparison is simply false.
      condition = self.exit_code == 0
      # A null cannot be interpolated into a string, so the message only
      # shows the exit code when there is one.
      error_message = "Migration (pid ${self.pid} in ${self.vm}) ${self.running ? "is still running" : "failed with exit code ${coalesce(self.exit_code, -1)}"}: not releasing."
    }
  }
}

# Stands for whatever must only happen after a successful migration. The
# explicit depends_on makes the gate visible even though the resource uses no
# attribute of the data source: when the postcondition fails, the plan stops
# and this resource is never planned.
resource "terraform_data" "release" {
  input = var.release

  depends_on = [data.vsphereguest_process.migration]
}
