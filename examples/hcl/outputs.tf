output "migration_exit_code" {
  value       = data.vsphereguest_process.migration.exit_code
  description = "Exit code of the migration (0 whenever a plan gets this far)."
}

output "migration_finished" {
  value       = data.vsphereguest_process.migration.finished
  description = "When the migration finished (RFC 3339)."
}

output "migration_command" {
  value       = data.vsphereguest_process.migration.command
  description = "The migration's command line, as the guest reports it."
}
