variable "pid" {
  type        = number
  description = "Process id of the migration in the guest, as `vsphere-guest process start` printed it."
}

variable "vm" {
  type        = string
  default     = "vm-1001"
  description = "Managed object id of the VM the migration runs in (vm-1001 is the simulator's app-01)."
}

variable "timeout" {
  type        = string
  default     = "10m"
  description = "How long the plan may wait for the migration to exit."
}

variable "release" {
  type        = string
  default     = "v1"
  description = "What is being released once the migration has succeeded."
}
