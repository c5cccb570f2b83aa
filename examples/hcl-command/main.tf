# Run a migration inside a vSphere guest at apply time, and release only when
# it succeeded: the vsphereguest_command resource runs the command once, when
# it is created, records its exit code and output, and fails the apply (so the
# release is not applied) when the exit code is not in allowed_exit_codes.
#
# Against the simulator (see ../hcl/README.md for the VSPHERE_* settings):
#   tofu init && tofu apply
#   tofu apply -var release=v2   # a new release runs the migration again

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
# environment variables, so no secret is written here or stored in the state.
provider "vsphereguest" {}

variable "vm" {
  type    = string
  default = "vm-1001"
}

variable "release" {
  type    = string
  default = "v1"
}

# Stands for the clone that creates the VM; its output is the VM's id, known
# only after apply (the command then runs after it).
resource "terraform_data" "vm" {
  input = var.vm
}

resource "vsphereguest_command" "migrate" {
  vm          = terraform_data.vm.output
  interpreter = ["/bin/sh", "-e"]
  script      = <<-EOT
    echo "migrating to $1"
    echo "schema at $1" >&2
  EOT
  arguments   = [var.release]
  timeout     = "5m"

  triggers_replace = { release = var.release }
}

resource "terraform_data" "release" {
  input      = var.release
  depends_on = [vsphereguest_command.migrate]
}

output "migration_stdout" {
  value = vsphereguest_command.migrate.stdout
}

output "migration_exit_code" {
  value = vsphereguest_command.migrate.exit_code
}
