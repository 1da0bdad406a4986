"""The CLI's commands, one module per area; each is thin and calls into the package."""
