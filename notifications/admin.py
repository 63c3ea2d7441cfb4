# Nothing is registered here on purpose: tasks and reminders concern clients,
# and no client-data model is in the Django admin (DESIGN.md "Access").
