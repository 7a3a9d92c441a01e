"""Platform adapters: each turns its platform into core calls and back."""
