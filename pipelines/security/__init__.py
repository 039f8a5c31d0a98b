"""Who may do what (access), what was done (audit), and how much (abuse limits)."""
